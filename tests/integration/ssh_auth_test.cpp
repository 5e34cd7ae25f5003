// Authentication against a real OpenSSH sshd: keyboard-interactive through
// PAM, the order and switches of the methods, the refusal messages.
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace asyncfetch::testing;

namespace {

// One sshd (PAM through `pam_service` when given), a hosts file, a known_hosts file.
struct auth_fixture {
    explicit auth_fixture(const std::string& pam_service = "")
        : sshd({"127.0.0.1"}, false, false, pam_service) {}
    sshd_server sshd;
    temp_dir dir;
    std::string hosts() const {
        return dir.write("hosts.txt", std::string(sshd_server::user()) +
                                          "@127.0.0.1:" + std::to_string(sshd.port()) + "\n");
    }
    // asyncfetch ssh -- true, with the password in AF_TEST_PW when given.
    run_result ssh(std::vector<std::string> args, const char* password = nullptr) const {
        std::vector<std::string> argv = {
            "ssh", "--known-hosts", dir.file("known_hosts"), "--no-agent", "-q", hosts()};
        argv.insert(argv.end(), args.begin(), args.end());
        if (password) {
            ::setenv("AF_TEST_PW", password, 1);
            argv.insert(argv.end(), {"--password-env", "AF_TEST_PW"});
        }
        argv.insert(argv.end(), {"--", "true"});
        auto r = run(asyncfetch_cmd(argv), "", 120);
        ::unsetenv("AF_TEST_PW");
        return r;
    }
};

std::string error_of(const run_result& r) {
    const auto records = records_of(r.out);
    if (records.size() != 1 || !records[0]["error"].is_string()) return "(no error) " + r.out;
    return records[0]["error"].get<std::string>();
}

// A libssh2 code as the old messages showed them: "(-43)".
bool has_raw_code(const std::string& text) {
    for (auto at = text.find("(-"); at != std::string::npos; at = text.find("(-", at + 1))
        if (at + 2 < text.size() && std::isdigit(static_cast<unsigned char>(text[at + 2])))
            return true;
    return false;
}

} // namespace

TEST_CASE("ssh auth: keyboard-interactive (PAM) answers the password prompt") {
    if (sshd_unavailable()) return;
    auth_fixture f("sshd"); // the system's PAM config for sshd: pam_unix asks "Password: "
    auto r = f.ssh({"-i", "/nonexistent"}, sshd_server::password());
    CHECK_MESSAGE(r.status == 0, r.out << r.err);
    CHECK(f.sshd.log().find("Accepted keyboard-interactive/pam") != std::string::npos);

    auto bad = f.ssh({"-i", "/nonexistent"}, "wrong-password-123");
    CHECK(bad.status == 1);
    CHECK_MESSAGE(error_of(bad).find("keyboard-interactive (refused)") != std::string::npos,
                  error_of(bad));
    CHECK(bad.out.find("wrong-password-123") == std::string::npos);
    CHECK(bad.err.find("wrong-password-123") == std::string::npos);
}

TEST_CASE("ssh auth: KbdInteractiveAuthentication no in ssh_config leaves the method out") {
    if (sshd_unavailable()) return;
    auth_fixture f("sshd");
    const auto config = f.dir.write("ssh_config", "KbdInteractiveAuthentication no\n");
    auto r = f.ssh({"-F", config, "-i", "/nonexistent"}, sshd_server::password());
    CHECK(r.status == 1);
    CHECK(f.sshd.log().find("Accepted keyboard-interactive") == std::string::npos);
    CHECK_MESSAGE(error_of(r).find("keyboard-interactive (not tried: KbdInteractiveAuthentication "
                                   "no)") != std::string::npos,
                  error_of(r));
}

TEST_CASE("ssh auth: a one-time code prompt fails the host, naming the prompt") {
    if (sshd_unavailable()) return;
    const std::string module = "/lib/x86_64-linux-gnu/security/pam_google_authenticator.so";
    if (!std::filesystem::exists(module)) {
        MESSAGE("skipped: no pam_google_authenticator (libpam-google-authenticator)");
        return;
    }
    // A PAM service that asks only for a TOTP code, as an OTP-protected server does.
    const std::string service = "asyncfetch-test-otp";
    temp_dir secret_dir;
    std::filesystem::permissions(secret_dir.path(), std::filesystem::perms(0755));
    const auto secret = secret_dir.write("totp", "JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n");
    run({"chown", std::string(sshd_server::user()) + ":", secret});
    std::filesystem::permissions(secret, std::filesystem::perms(0400));
    std::ofstream("/etc/pam.d/" + service)
        << "auth required pam_google_authenticator.so secret=" << secret
        << "\naccount required pam_permit.so\nsession required pam_permit.so\n";
    auth_fixture f(service);
    auto r = f.ssh({"-i", "/nonexistent"}, sshd_server::password());
    std::filesystem::remove("/etc/pam.d/" + service);
    CHECK(r.status == 1);
    CHECK_MESSAGE(error_of(r).find("keyboard-interactive (the server asks \"Verification code:\", "
                                   "which a run over many hosts cannot answer)") !=
                      std::string::npos,
                  error_of(r));
    CHECK(r.out.find(sshd_server::password()) == std::string::npos);
}

TEST_CASE("ssh auth: a refusal names every method the server offers and why each failed") {
    if (sshd_unavailable()) return;
    auth_fixture f; // publickey and password
    const auto config = f.dir.write("ssh_config", "PubkeyAuthentication no\n");
    auto off = f.ssh({"-F", config, "-i", f.sshd.ed25519_key()});
    CHECK(off.status == 1);
    CHECK_MESSAGE(error_of(off) == "auth " + std::string(sshd_server::user()) +
                                       "@127.0.0.1:" + std::to_string(f.sshd.port()) +
                                       ": no method succeeded; server offers publickey,password; "
                                       "tried publickey (not tried: PubkeyAuthentication no); "
                                       "password (not tried: no password given); for password "
                                       "auth use --password-env VAR, --password-file FILE or "
                                       "--ask-password",
                  error_of(off));

    const auto missing = f.dir.file("no-such-key");
    auto keys = f.ssh({"-i", missing, "-i", f.sshd.stranger_key(), "-i", f.sshd.encrypted_key()},
                      "wrong-password-123");
    CHECK(keys.status == 1);
    const auto e = error_of(keys);
    CHECK_MESSAGE(e.find("key " + missing + " (cannot load it: no such file); key " +
                         f.sshd.stranger_key() + " (refused); key " + f.sshd.encrypted_key() +
                         " (cannot load it: encrypted, and no passphrase given") !=
                      std::string::npos,
                  e);
    CHECK_MESSAGE(e.find("; password (refused)") != std::string::npos, e);
    CHECK_FALSE(has_raw_code(e));

    ::setenv("AF_TEST_PASSPHRASE", "not-the-passphrase", 1);
    auto wrong = f.ssh({"-i", f.sshd.encrypted_key(), "--passphrase-env", "AF_TEST_PASSPHRASE"});
    ::unsetenv("AF_TEST_PASSPHRASE");
    CHECK_MESSAGE(error_of(wrong).find("(cannot load it: the passphrase given does not decrypt "
                                       "it)") != std::string::npos,
                  error_of(wrong));
    CHECK(wrong.out.find("not-the-passphrase") == std::string::npos);
}

TEST_CASE("ssh auth: encrypted PEM and PKCS#8 keys, decrypted once, open every host") {
    if (sshd_unavailable()) return;
    auth_fixture f;
    std::string lines;
    for (int i = 0; i < 12; ++i)
        lines +=
            std::string(sshd_server::user()) + "@127.0.0.1:" + std::to_string(f.sshd.port()) + "\n";
    const auto hosts = f.dir.write("twelve.txt", lines);
    for (const auto& key : {f.sshd.encrypted_pem_key(), f.sshd.encrypted_pkcs8_key()}) {
        ::setenv("AF_TEST_PASSPHRASE", sshd_server::key_passphrase(), 1);
        auto r = run(asyncfetch_cmd({"ssh", "--known-hosts", f.dir.file("known_hosts"),
                                     "--no-agent", "-q", hosts, "-i", key, "--passphrase-env",
                                     "AF_TEST_PASSPHRASE", "--", "echo", "in"}),
                     "", 120);
        CHECK_MESSAGE(r.status == 0, key << r.out << r.err);
        CHECK(records_of(r.out).size() == 12);
        ::setenv("AF_TEST_PASSPHRASE", "not-the-passphrase", 1);
        auto wrong = f.ssh({"-i", key, "--passphrase-env", "AF_TEST_PASSPHRASE"});
        ::unsetenv("AF_TEST_PASSPHRASE");
        CHECK_MESSAGE(error_of(wrong).find("(cannot load it: the passphrase given does not "
                                           "decrypt it)") != std::string::npos,
                      error_of(wrong));
    }
}

// The client CPU seconds (user + system) of `asyncfetch ssh` over `hosts`
// with `key` and its passphrase; every host must run the command.
double ssh_cpu_seconds(const auth_fixture& f, const std::string& hosts, const std::string& key,
                       std::size_t host_count) {
    const auto cpu = f.dir.file("cpu.txt");
    auto argv = asyncfetch_cmd({"ssh", "--known-hosts", f.dir.file("known_hosts"), "--no-agent",
                                "-q", hosts, "-i", key, "--passphrase-env", "AF_TEST_PASSPHRASE",
                                "--", "echo", "in"});
    argv.insert(argv.begin(), {"/usr/bin/time", "-f", "%U %S", "-o", cpu});
    ::setenv("AF_TEST_PASSPHRASE", sshd_server::key_passphrase(), 1);
    auto r = run(argv, "", 120);
    ::unsetenv("AF_TEST_PASSPHRASE");
    CHECK_MESSAGE(r.status == 0, key << r.out << r.err);
    CHECK(records_of(r.out).size() == host_count);
    double user = 0, system = 0;
    std::ifstream(cpu) >> user >> system;
    return user + system;
}

TEST_CASE("ssh auth: an encrypted OpenSSH-format key is decrypted once, not once per host") {
    if (sshd_unavailable()) return;
    auth_fixture f;
    const auto host =
        std::string(sshd_server::user()) + "@127.0.0.1:" + std::to_string(f.sshd.port()) + "\n";
    const auto one = f.dir.write("one.txt", host);
    std::string lines;
    for (int i = 0; i < 12; ++i)
        lines += host;
    const auto twelve = f.dir.write("twelve.txt", lines);
    // ssh-keygen's format and cipher; 32 bcrypt rounds make one decryption
    // cost far more CPU than a session. The ECDSA key is loaded by libssh2
    // from the decrypted text, the ed25519 one signs through the callback.
    const auto authorized =
        std::filesystem::path(f.sshd.ed25519_key()).parent_path() / "authorized_keys";
    for (const char* type : {"ed25519", "ecdsa"}) {
        CAPTURE(type);
        const auto key = f.dir.file(std::string("id_openssh_") + type);
        auto made = run({"ssh-keygen", "-q", "-t", type, "-N", sshd_server::key_passphrase(), "-a",
                         "32", "-f", key});
        REQUIRE_MESSAGE(made.status == 0, made.err);
        std::ofstream(authorized, std::ios::app) << read_file(key + ".pub");

        const double cpu_one = ssh_cpu_seconds(f, one, key, 1);
        const double cpu_twelve = ssh_cpu_seconds(f, twelve, key, 12);
        // Decrypted per host, twelve hosts would cost about twelve times one.
        CHECK_MESSAGE(cpu_twelve < 2 * cpu_one + 0.2,
                      "12 hosts: " << cpu_twelve << " s of CPU, 1 host: " << cpu_one << " s");

        ::setenv("AF_TEST_PASSPHRASE", "not-the-passphrase", 1);
        auto wrong = f.ssh({"-i", key, "--passphrase-env", "AF_TEST_PASSPHRASE"});
        ::unsetenv("AF_TEST_PASSPHRASE");
        CHECK_MESSAGE(error_of(wrong).find("(cannot load it: the passphrase given does not "
                                           "decrypt it)") != std::string::npos,
                      error_of(wrong));
        CHECK(wrong.out.find("not-the-passphrase") == std::string::npos);
    }
}

TEST_CASE("ssh auth: -i accepts ~/ (in $HOME) and ~user/ (that user's home)") {
    if (sshd_unavailable()) return;
    auth_fixture f;
    // The key in a directory of the test user's home, named both ways.
    const auto in_home = f.sshd.remote_scratch() + "/id_home";
    std::filesystem::copy_file(f.sshd.ed25519_key(), in_home);
    const auto relative = in_home.substr(sshd_server::home().size()); // "/SCRATCH/id_home"
    auto by_user = f.ssh({"-i", "~" + std::string(sshd_server::user()) + relative});
    CHECK_MESSAGE(by_user.status == 0, by_user.out << by_user.err);

    const char* saved = std::getenv("HOME");
    const std::string old_home = saved ? saved : "";
    ::setenv("HOME", sshd_server::home().c_str(), 1);
    auto by_home = f.ssh({"-i", "~" + relative});
    ::setenv("HOME", old_home.c_str(), 1);
    CHECK_MESSAGE(by_home.status == 0, by_home.out << by_home.err);
}
