// OpenSSH ed25519 key parsing and signing, checked against OpenSSL's verify
// with keys ssh-keygen makes at test time.
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/openssh_key.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace asyncfetch::ssh;
using namespace asyncfetch::testing;

namespace {

std::string keygen(const temp_dir& dir, const std::string& name, const std::string& type,
                   const std::string& passphrase = "") {
    const auto path = dir.file(name);
    auto r = run({"ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "unit", "-f", path});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return path;
}

bool verifies(const std::string& public_key32, const std::string& data, const std::string& sig) {
    EVP_PKEY* pub = EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key32.data()), 32);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok =
        EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pub) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pub);
    return ok;
}

} // namespace

TEST_CASE("an unencrypted ed25519 key from ssh-keygen parses and signs verifiably") {
    temp_dir dir;
    const auto path = keygen(dir, "id", "ed25519");
    auto key = parse_openssh_ed25519(read_file(path));
    REQUIRE(key.has_value());
    // The public blob is exactly what the .pub file carries in base64.
    std::istringstream pub(read_file(path + ".pub"));
    std::string type, b64;
    pub >> type >> b64;
    CHECK(type == "ssh-ed25519");
    CHECK(base64_decode(b64).value() == key->public_blob);

    ed25519_signer signer(*key);
    const std::string data = "session id and userauth request";
    const auto sig = signer.sign(data);
    REQUIRE(sig.size() == 64);
    const auto public_key32 = key->public_blob.substr(key->public_blob.size() - 32);
    CHECK(verifies(public_key32, data, sig));
    CHECK_FALSE(verifies(public_key32, data + "!", sig));
    CHECK(cached_ed25519_signer(path) == cached_ed25519_signer(path)); // parsed once
}

TEST_CASE("encrypted, non-ed25519 and damaged keys are left to libssh2") {
    temp_dir dir;
    CHECK_FALSE(parse_openssh_ed25519(read_file(keygen(dir, "enc", "ed25519", "secret-words"))));
    CHECK_FALSE(parse_openssh_ed25519(read_file(keygen(dir, "ec", "ecdsa"))));
    auto text = read_file(keygen(dir, "ok", "ed25519"));
    CHECK(parse_openssh_ed25519(text).has_value());
    text[60] = text[60] == 'A' ? 'B' : 'A'; // one base64 character changed
    const auto damaged = parse_openssh_ed25519(text);
    if (damaged)
        CHECK(damaged->public_blob !=
              parse_openssh_ed25519(read_file(dir.file("ok")))->public_blob);
    CHECK_FALSE(parse_openssh_ed25519("not a key"));
    CHECK_FALSE(parse_openssh_ed25519(""));
    CHECK(cached_ed25519_signer(dir.file("enc")) == nullptr);
    CHECK(cached_ed25519_signer(dir.file("missing")) == nullptr);
}

TEST_CASE("base64 decoding, with padding and line breaks") {
    CHECK(base64_decode("aGVsbG8=").value() == "hello");
    CHECK(base64_decode("aGVs\nbG8h").value() == "hello!");
    CHECK(base64_decode("aGk=").value() == "hi");
    CHECK_FALSE(base64_decode("abc"));
    CHECK_FALSE(base64_decode(""));
}

TEST_CASE("keys: how a key file is encrypted, for each format ssh-keygen writes") {
    temp_dir dir;
    const auto plain = keygen(dir, "plain", "ed25519");
    const auto openssh = keygen(dir, "openssh", "ed25519", "pass-phrase");
    const auto pem = dir.file("pem"), pkcs8 = dir.file("pkcs8");
    for (const auto& [path, format] : {std::pair{pem, "PEM"}, std::pair{pkcs8, "PKCS8"}}) {
        auto r =
            run({"ssh-keygen", "-q", "-t", "ecdsa", "-N", "pass-phrase", "-m", format, "-f", path});
        REQUIRE_MESSAGE(r.status == 0, r.err);
    }
    CHECK(encryption_of(read_key_file(plain)) == key_encryption::none);
    CHECK(encryption_of(read_key_file(openssh)) == key_encryption::openssh);
    CHECK(encryption_of(read_key_file(pem)) == key_encryption::pem);
    CHECK(encryption_of(read_key_file(pkcs8)) == key_encryption::pkcs8);
    CHECK(encryption_of("") == key_encryption::none);
    CHECK(read_key_file(dir.file("missing")).empty());
}

TEST_CASE("keys: an encrypted PEM or PKCS#8 key is decrypted once, kept in memory only") {
    for (const char* format : {"PEM", "PKCS8"}) {
        temp_dir dir;
        const auto path = dir.file("key");
        auto r =
            run({"ssh-keygen", "-q", "-t", "ecdsa", "-N", "pass-phrase", "-m", format, "-f", path});
        REQUIRE_MESSAGE(r.status == 0, r.err);
        const auto key = cached_decrypted_key(path, "pass-phrase");
        REQUIRE(key.pem);
        CHECK(key.pem->find("-----BEGIN PRIVATE KEY-----") == 0);
        CHECK(key.pem->find("ENCRYPTED") == std::string::npos);
        CHECK_FALSE(cached_decrypted_key(path, "wrong").pem);
        // Gone from disk: later sessions of the run still have it.
        std::filesystem::remove(path);
        const auto again = cached_decrypted_key(path, "pass-phrase");
        CHECK(again.pem == key.pem);
        CHECK(std::filesystem::directory_iterator(dir.path())->path().filename() == "key.pub");
    }
}

TEST_CASE("keys: an encrypted OpenSSH-format key is decrypted once, kept in memory only") {
    temp_dir dir;
    const auto path = keygen(dir, "openssh", "ed25519", "pass-phrase");
    const auto key = cached_decrypted_key(path, "pass-phrase");
    CHECK(key.format == key_encryption::openssh);
    REQUIRE(key.pem);
    CHECK(key.pem->starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    CHECK(encryption_of(*key.pem) == key_encryption::none);
    CHECK_FALSE(key.left_to_libssh2);
    // An ed25519 key signs through the callback, as an unencrypted one does.
    REQUIRE(key.signer);
    std::istringstream pub(read_file(path + ".pub"));
    std::string type, b64;
    pub >> type >> b64;
    CHECK(key.signer->public_blob() == base64_decode(b64).value());

    const auto wrong = cached_decrypted_key(path, "wrong");
    CHECK_FALSE(wrong.pem);
    CHECK_FALSE(wrong.signer);
    CHECK_FALSE(wrong.left_to_libssh2);
    // Gone from disk: later sessions of the run still have it.
    std::filesystem::remove(path);
    CHECK(cached_decrypted_key(path, "pass-phrase").pem == key.pem);

    // An ECDSA key is loaded by libssh2 from the decrypted text.
    const auto ecdsa =
        cached_decrypted_key(keygen(dir, "ecdsa", "ecdsa", "pass-phrase"), "pass-phrase");
    CHECK(ecdsa.pem);
    CHECK_FALSE(ecdsa.signer);
}

TEST_CASE("keys: a cipher not decrypted here, and plain keys, are left to libssh2") {
    temp_dir dir;
    // ssh-keygen's key with its cipher renamed to one no OpenSSH has.
    const auto text = read_file(keygen(dir, "ctr", "ed25519", "pass-phrase"));
    const auto b = text.find('\n') + 1, e = text.find("-----END");
    auto raw = base64_decode(text.substr(b, e - b)).value();
    const auto at = raw.find("aes256-ctr");
    REQUIRE(at != std::string::npos);
    raw.replace(at, 10, "twofish-ct");
    const auto path = dir.write("renamed", openssh_pem(raw));
    const auto key = cached_decrypted_key(path, "pass-phrase");
    CHECK(key.format == key_encryption::openssh);
    CHECK(key.left_to_libssh2);
    CHECK_FALSE(key.pem);
    CHECK(cached_decrypted_key(keygen(dir, "plain", "ed25519"), "x").format ==
          key_encryption::none);
}
