// Authentication against a real OpenSSH sshd: keyboard-interactive through
// PAM, the order and switches of the methods, the refusal messages.
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <ctime>
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

namespace {

// A PAM service (/etc/pam.d/NAME, removed with this object) whose auth ends
// with a TOTP code through Debian's libpam-google-authenticator, after
// `before` (more auth lines, or none); the secret is "JBSWY3DPEHPK3PXP".
struct totp_service {
    static bool available() {
        if (std::filesystem::exists("/lib/x86_64-linux-gnu/security/pam_google_authenticator.so"))
            return true;
        MESSAGE("skipped: no pam_google_authenticator (libpam-google-authenticator)");
        return false;
    }
    totp_service(std::string service, const std::string& before) : name(std::move(service)) {
        std::filesystem::permissions(secret_dir.path(), std::filesystem::perms(0755));
        const auto secret = secret_dir.write("totp", "JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n");
        run({"chown", std::string(sshd_server::user()) + ":", secret});
        std::filesystem::permissions(secret, std::filesystem::perms(0400));
        std::ofstream("/etc/pam.d/" + name)
            << before << "auth required pam_google_authenticator.so secret=" << secret
            << "\naccount required pam_permit.so\nsession required pam_permit.so\n";
    }
    ~totp_service() { std::filesystem::remove("/etc/pam.d/" + name); }
    totp_service(const totp_service&) = delete;
    totp_service& operator=(const totp_service&) = delete;
    std::string name;
    temp_dir secret_dir;
};

} // namespace

TEST_CASE("ssh auth: a one-time code prompt fails the host, naming the prompt") {
    if (sshd_unavailable()) return;
    if (!totp_service::available()) return;
    // A PAM service that asks only for a TOTP code, as an OTP-protected server does.
    const totp_service service("asyncfetch-test-otp", "");
    auth_fixture f(service.name);
    auto r = f.ssh({"-i", "/nonexistent"}, sshd_server::password());
    CHECK(r.status == 1);
    CHECK_MESSAGE(error_of(r).find("keyboard-interactive (the server asks \"Verification code:\", "
                                   "which a run over many hosts cannot answer)") !=
                      std::string::npos,
                  error_of(r));
    CHECK(r.out.find(sshd_server::password()) == std::string::npos);
}

namespace {

// RFC 6238's code (SHA-1, 6 digits, 30 s steps) for a raw secret, now.
std::string totp_now(const std::string& secret) {
    std::uint64_t step = static_cast<std::uint64_t>(std::time(nullptr)) / 30;
    unsigned char counter[8];
    for (int i = 7; i >= 0; --i, step >>= 8)
        counter[i] = static_cast<unsigned char>(step & 0xff);
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, secret.data(), secret.size(), counter,
              sizeof counter, mac, sizeof mac, &len);
    const int offset = mac[len - 1] & 0x0f;
    const std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                              (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                              (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                              static_cast<std::uint32_t>(mac[offset + 3]);
    char code[8];
    std::snprintf(code, sizeof code, "%06u", bin % 1000000);
    return code;
}

// Runs `argv` on a new terminal, answering each prompt (the first time its
// text shows) with its answer; returns everything the terminal showed.
std::string run_on_terminal(const std::vector<std::string>& argv,
                            const std::vector<std::pair<std::string, std::string>>& answers) {
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    std::string shown;
    std::size_t answered = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 100) != 1) continue;
        char buf[512];
        const auto n = ::read(master, buf, sizeof buf);
        if (n <= 0) break; // the program ended (EIO on Linux)
        shown.append(buf, static_cast<std::size_t>(n));
        while (answered < answers.size() &&
               shown.find(answers[answered].first) != std::string::npos) {
            const auto line = answers[answered].second + "\n";
            (void)::write(master, line.data(), line.size());
            ++answered;
        }
    }
    ::close(master);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return shown;
}

} // namespace

TEST_CASE("ssh auth: --askpass asks for a one-time code at the terminal once, for every host") {
    if (sshd_unavailable()) return;
    if (!totp_service::available()) return;
    // The password, then a TOTP code, as a server with two factors asks them.
    const totp_service service("asyncfetch-test-otp2", "auth required pam_unix.so\n");
    auth_fixture f(service.name);
    const std::string line =
        std::string(sshd_server::user()) + "@127.0.0.1:" + std::to_string(f.sshd.port()) + "\n";
    const auto hosts = f.dir.write("hosts3.txt", line + line + line);
    const auto records = f.dir.file("records.jsonl");
    // "JBSWY3DPEHPK3PXP" in base32.
    const std::string key("Hello!\xde\xad\xbe\xef", 10);
    const auto shown = run_on_terminal(
        {ASYNCFETCH_BINARY, "ssh", "--known-hosts", f.dir.file("known_hosts"), "--no-agent", "-q",
         "-o", records, hosts, "--askpass", "--", "echo", "in"},
        {{"Password: ", sshd_server::password()}, {"Verification code:", totp_now(key)}});
    const auto out = records_of(read_file(records));
    REQUIRE_MESSAGE(out.size() == 3, shown);
    for (const auto& r : out)
        CHECK_MESSAGE(r["stdout"] == "in\n", r.dump());
    // One prompt for the code, whatever the number of hosts; the answers are never shown.
    std::size_t asked = 0;
    for (auto at = shown.find("Verification code:"); at != std::string::npos;
         at = shown.find("Verification code:", at + 1))
        ++asked;
    CHECK_MESSAGE(asked == 1, shown);
    CHECK(shown.find(sshd_server::password()) == std::string::npos);
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
                                "--connect-timeout", "60s", "--", "echo", "in"});
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
    // cost far more CPU than a session (4 in the sanitizer build, where one
    // round costs as much as 10 in a release build and 32 would outlast the
    // 10 s auth limit). The ECDSA key is loaded by libssh2
    // from the decrypted text, the ed25519 one signs through the callback.
#if defined(__SANITIZE_ADDRESS__)
    const char* bcrypt_rounds = "4";
#else
    const char* bcrypt_rounds = "32";
#endif
    const auto authorized =
        std::filesystem::path(f.sshd.ed25519_key()).parent_path() / "authorized_keys";
    for (const char* type : {"ed25519", "ecdsa"}) {
        CAPTURE(type);
        const auto key = f.dir.file(std::string("id_openssh_") + type);
        auto made = run({"ssh-keygen", "-q", "-t", type, "-N", sshd_server::key_passphrase(), "-a",
                         bcrypt_rounds, "-f", key});
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

TEST_CASE("ssh auth: an ECDSA user certificate (KEY-cert.pub, or CertificateFile) logs in with a "
          "key the server knows only through its CA, and another kind is refused, saying why") {
    if (sshd_unavailable()) return;
    auth_fixture f;
    // Keys the server does not list in authorized_keys.
    const auto ecdsa = f.dir.file("id_cert_ecdsa");
    const auto ed25519 = f.dir.file("id_cert_ed25519");
    // The ECDSA key as PEM: libssh2 1.10 leaks 48 bytes per session reading an
    // OpenSSH-format ECDSA key file, which LeakSanitizer reports.
    REQUIRE(run({"ssh-keygen", "-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", ecdsa}).status ==
            0);
    REQUIRE(run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ed25519}).status == 0);
    // Without a certificate: refused.
    auto bare = f.ssh({"-i", ecdsa});
    CHECK(bare.status == 1);
    const auto sign = [&](const std::string& key) {
        REQUIRE(run({"ssh-keygen", "-q", "-s", f.sshd.user_ca(), "-I", "asyncfetch-test", "-n",
                     sshd_server::user(), key + ".pub"})
                    .status == 0);
    };
    sign(ecdsa);
    auto beside = f.ssh({"-i", ecdsa});
    CHECK_MESSAGE(beside.status == 0, beside.out);
    // Elsewhere, named by CertificateFile.
    std::filesystem::rename(ecdsa + "-cert.pub", f.dir.file("elsewhere-cert.pub"));
    const auto config =
        f.dir.write("ssh_config", "CertificateFile " + f.dir.file("elsewhere-cert.pub") + "\n");
    auto named = f.ssh({"-F", config, "-i", ecdsa});
    CHECK_MESSAGE(named.status == 0, named.out);
    // An ed25519 certificate: libssh2 1.10 cannot use it, and the refusal says so.
    sign(ed25519);
    auto other = f.ssh({"-i", ed25519});
    CHECK(other.status == 1);
    CHECK_MESSAGE(error_of(other).find("certificate " + ed25519 +
                                       "-cert.pub (libssh2 1.10 uses ECDSA user certificates "
                                       "only, not ssh-ed25519-cert-v01@openssh.com)") !=
                      std::string::npos,
                  error_of(other));
}
