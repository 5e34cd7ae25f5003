// OpenSSH-format keys decrypted here and written out unencrypted, checked
// against ssh-keygen itself: keys it encrypts with each cipher and rounds
// count, decrypted by this code, must be the key ssh-keygen reads (-y) and
// the key it writes when it removes the passphrase itself (-p -N '').
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/openssh_key.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

using namespace asyncfetch::ssh;
using namespace asyncfetch::testing;

namespace {

constexpr const char* passphrase = "correct horse battery";

// ssh-keygen's key, encrypted with `cipher` and `rounds` unless `cipher` is empty.
std::string keygen(const temp_dir& dir, const std::string& name,
                   const std::vector<std::string>& type, const std::string& cipher,
                   int rounds = 2) {
    const auto path = dir.file(name);
    std::vector<std::string> argv = {"ssh-keygen", "-q", "-C", "unit", "-f", path};
    argv.insert(argv.end(), type.begin(), type.end());
    if (cipher.empty()) {
        argv.insert(argv.end(), {"-N", ""});
    } else {
        argv.insert(argv.end(), {"-N", passphrase, "-Z", cipher, "-a", std::to_string(rounds)});
    }
    auto r = run(argv);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return path;
}

// "TYPE BASE64" of a public key line.
std::string type_and_key(const std::string& line) {
    std::istringstream words(line);
    std::string type, base64;
    words >> type >> base64;
    return type + " " + base64;
}

// The public key `ssh-keygen -y` reads in a private key file, with no passphrase.
std::string public_key_of(const std::string& path) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
    auto r = run({"ssh-keygen", "-y", "-P", "", "-f", path});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return type_and_key(r.out);
}

// A plain private section without its check words and padding (1, 2, 3...):
// the key and its comment, whatever the cipher's block size was.
std::string key_body(const std::string& section) {
    auto body = section.substr(8);
    const std::size_t last = body.empty() ? 0 : static_cast<unsigned char>(body.back());
    bool padded = last > 0 && last < 16 && last <= body.size();
    for (std::size_t i = 1; padded && i <= last; ++i)
        padded = static_cast<unsigned char>(body[body.size() - last + i - 1]) == i;
    if (padded) body.resize(body.size() - last);
    return body;
}

} // namespace

TEST_CASE("openssh_key: ssh-keygen's encrypted keys decrypt to the keys ssh-keygen reads") {
    temp_dir dir;
    struct sample {
        std::vector<std::string> type;
        std::string cipher;
        int rounds;
    };
    const std::vector<sample> samples = {
        {{"-t", "ed25519"}, "aes256-ctr", 16}, // ssh-keygen's defaults
        {{"-t", "ed25519"}, "aes128-ctr", 1},
        {{"-t", "ed25519"}, "aes256-gcm@openssh.com", 3},
        {{"-t", "ecdsa", "-b", "256"}, "aes192-ctr", 2},
        {{"-t", "ecdsa", "-b", "521"}, "aes128-gcm@openssh.com", 2},
        {{"-t", "ecdsa", "-b", "384"}, "aes256-cbc", 1},
        {{"-t", "rsa", "-b", "2048"}, "aes128-cbc", 1},
        {{"-t", "ed25519"}, "chacha20-poly1305@openssh.com", 2},
        {{"-t", "ecdsa", "-b", "256"}, "3des-cbc", 1},
    };
    int n = 0;
    for (const auto& s : samples) {
        CAPTURE(s.cipher);
        const auto name = "key" + std::to_string(n++);
        const auto path = keygen(dir, name, s.type, s.cipher, s.rounds);
        const auto file = parse_openssh_key_file(read_file(path));
        REQUIRE(file.has_value());
        CHECK(file->cipher == s.cipher);
        CHECK(file->kdf == "bcrypt");
        CHECK(file->rounds == static_cast<unsigned>(s.rounds));

        const auto decrypted = decrypt_openssh_key(read_file(path), passphrase);
        REQUIRE(decrypted.outcome == openssh_decryption::decrypted);
        CHECK(decrypted.pem.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
        CHECK(encryption_of(decrypted.pem) == key_encryption::none);
        // ssh-keygen reads the result, with no passphrase, as the same key.
        const auto out = dir.write(name + ".out", decrypted.pem);
        CHECK(public_key_of(out) == type_and_key(read_file(path + ".pub")));
        // And it is the key ssh-keygen writes when it removes the passphrase.
        const auto copy = dir.file(name + ".copy");
        std::filesystem::copy_file(path, copy);
        auto r = run({"ssh-keygen", "-q", "-p", "-P", passphrase, "-N", "", "-f", copy});
        REQUIRE_MESSAGE(r.status == 0, r.err);
        const auto theirs = parse_openssh_key_file(read_file(copy));
        const auto ours = parse_openssh_key_file(decrypted.pem);
        REQUIRE(theirs.has_value());
        REQUIRE(ours.has_value());
        CHECK(ours->cipher == "none");
        CHECK(ours->public_key == theirs->public_key);
        CHECK(key_body(ours->private_section) == key_body(theirs->private_section));
        if (s.type[1] == "ed25519")
            CHECK(parse_openssh_ed25519(decrypted.pem)->seed ==
                  parse_openssh_ed25519(read_file(copy))->seed);
    }
}

TEST_CASE("openssh_key: a wrong passphrase fails the check words (CTR, CBC) or the tag") {
    temp_dir dir;
    for (const char* cipher :
         {"aes256-ctr", "aes256-gcm@openssh.com", "aes256-cbc", "chacha20-poly1305@openssh.com"}) {
        CAPTURE(cipher);
        const auto text = read_file(keygen(dir, cipher, {"-t", "ed25519"}, cipher, 1));
        CHECK(decrypt_openssh_key(text, "wrong").outcome == openssh_decryption::wrong_passphrase);
        CHECK(decrypt_openssh_key(text, "").outcome == openssh_decryption::wrong_passphrase);
        CHECK(decrypt_openssh_key(text, "wrong").pem.empty());
    }
}

TEST_CASE("openssh_key: the key and IV sizes bcrypt_pbkdf gives, as OpenSSH's cipher.c has them") {
    CHECK(openssh_key_iv_size("aes256-ctr") == 48u);
    CHECK(openssh_key_iv_size("aes128-cbc") == 32u);
    CHECK(openssh_key_iv_size("aes256-gcm@openssh.com") == 44u);
    CHECK(openssh_key_iv_size("3des-cbc") == 32u);
    CHECK(openssh_key_iv_size("chacha20-poly1305@openssh.com") == 64u);
    CHECK_FALSE(openssh_key_iv_size("twofish-cbc"));
}

TEST_CASE("openssh_key: a plain key round-trips through unencrypted_openssh_pem") {
    temp_dir dir;
    const auto text = read_file(keygen(dir, "plain", {"-t", "ed25519"}, ""));
    const auto file = parse_openssh_key_file(text);
    REQUIRE(file.has_value());
    CHECK(file->cipher == "none");
    CHECK(file->kdf == "none");
    CHECK(unencrypted_openssh_pem(file->public_key, file->private_section) == text);
}

namespace {

std::string u32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

std::string str(const std::string& s) {
    return u32(static_cast<std::uint32_t>(s.size())) + s;
}

// A container as ssh-keygen lays it out, each field given.
std::string container(const std::string& cipher, const std::string& kdf_options,
                      std::uint32_t count, const std::string& section,
                      const std::string& after = "") {
    return openssh_pem(std::string("openssh-key-v1\0", 15) + str(cipher) +
                       str(kdf_options.empty() ? "none" : "bcrypt") + str(kdf_options) +
                       u32(count) + str("public") + str(section) + after);
}

} // namespace

TEST_CASE("openssh_key: damaged or hostile containers are refused before any work") {
    const std::string salt16 = str(std::string(16, 's'));
    const std::string section(32, 'x');
    CHECK(parse_openssh_key_file(container("aes256-ctr", salt16 + u32(16), 1, section)));
    auto malformed = [](const std::string& text) {
        return decrypt_openssh_key(text, "pass").outcome == openssh_decryption::malformed;
    };
    CHECK(malformed(container("aes256-ctr", salt16 + u32(16), 2, section)));     // two keys
    CHECK(malformed(container("aes256-ctr", salt16 + u32(0), 1, section)));      // no rounds
    CHECK(malformed(container("aes256-ctr", salt16 + u32(10'001), 1, section))); // a DoS
    CHECK(malformed(container("aes256-ctr", salt16 + u32(16) + "x", 1, section)));
    CHECK(malformed(container("aes256-ctr", str("") + u32(16), 1, section))); // no salt
    CHECK(malformed(container("aes256-ctr", str(std::string(1025, 's')) + u32(16), 1, section)));
    CHECK(malformed(container("aes256-ctr", salt16 + u32(16), 1, section.substr(1)))); // blocks
    CHECK(malformed(container("aes256-ctr", salt16 + u32(16), 1, section, "trailing")));
    CHECK(malformed(container("aes256-gcm@openssh.com", salt16 + u32(16), 1, section))); // no tag
    CHECK(malformed(container("aes256-ctr", "", 1, section)));         // a cipher but no KDF
    CHECK(malformed(container("none", salt16 + u32(16), 1, section))); // a KDF but no cipher
    // A length running past the end.
    auto text = std::string("openssh-key-v1\0", 15) + str("aes256-ctr") + u32(1'000'000);
    CHECK(malformed(openssh_pem(text)));
    CHECK(
        malformed("-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n-----END OPENSSH PRIVATE KEY-----"));
    CHECK(malformed(""));
    CHECK(decrypt_openssh_key(container("twofish-cbc", salt16 + u32(16), 1, section), "pass")
              .outcome == openssh_decryption::unsupported);
}
