#include "tools/sshd.hpp"

#include "tools/listeners.hpp"
#include "tools/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace asyncfetch::testing {
namespace {

void must(const std::vector<std::string>& argv) {
    auto r = run(argv, "", 60);
    if (r.status != 0) throw std::runtime_error(argv[0] + " failed: " + r.err);
}

bool accepts(const std::string& address, std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// The test user, made once per machine: an empty home, a real password hash.
void ensure_test_user() {
    const std::string home = sshd_server::home();
    if (!::getpwnam(sshd_server::user())) {
        must(
            {"useradd", "--system", "--home-dir", home, "--shell", "/bin/sh", sshd_server::user()});
    }
    std::filesystem::create_directories(home);
    must({"chown", std::string(sshd_server::user()) + ":", home});
    run({"chpasswd"}, std::string(sshd_server::user()) + ":" + sshd_server::password() + "\n");
}

void keygen(const std::string& type, const std::string& path, const std::string& passphrase = "",
            const std::string& format = "") {
    std::vector<std::string> argv = {"ssh-keygen",      "-q", "-t", type, "-N", passphrase, "-C",
                                     "asyncfetch-test", "-f", path};
    if (!format.empty()) argv.insert(argv.end(), {"-m", format});
    must(argv);
}

} // namespace

std::string sshd_server::unavailable_reason() {
    if (::geteuid() != 0) return "not root: the SSH tests start sshd and create a test user";
    if (!std::filesystem::exists("/usr/sbin/sshd"))
        return "no /usr/sbin/sshd (install openssh-server)";
    return {};
}

sshd_server::sshd_server(std::vector<std::string> addresses, bool sftp_dir_per_address,
                         bool ecdsa_host_key, const std::string& pam_service,
                         const std::string& etc_hosts, const std::string& log_level,
                         bool commands_in_dirs) {
    ensure_test_user();
    std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
    std::filesystem::create_directories("/run/sshd");
    keygen("ed25519", dir_.file("host_ed25519"));
    if (ecdsa_host_key) keygen("ecdsa", dir_.file("host_ecdsa"));
    keygen("ed25519", ed25519_key());
    keygen("ed25519", encrypted_key(), key_passphrase());
    keygen("rsa", rsa_key());
    keygen("ed25519", stranger_key());
    keygen("ecdsa", encrypted_pem_key(), key_passphrase(), "PEM");
    keygen("ecdsa", encrypted_pkcs8_key(), key_passphrase(), "PKCS8");
    keygen("ed25519", user_ca()); // signs user certificates (TrustedUserCAKeys)
    dir_.write("authorized_keys",
               read_file(ed25519_key() + ".pub") + read_file(encrypted_key() + ".pub") +
                   read_file(rsa_key() + ".pub") + read_file(encrypted_pem_key() + ".pub") +
                   read_file(encrypted_pkcs8_key() + ".pub"));

    scratch_ = home() + "/" + std::filesystem::path(dir_.path()).filename().string();
    std::filesystem::create_directories(scratch_);
    must({"chown", std::string(user()) + ":", scratch_});

    port_ = free_port();
    // sshd takes the first value of a keyword: this one before the defaults below.
    std::string config = log_level.empty() ? "" : "LogLevel " + log_level + "\n";
    config += "Port " + std::to_string(port_) + "\n";
    for (const auto& a : addresses)
        config += "ListenAddress " + a + "\n";
    if (ecdsa_host_key) config += "HostKey " + dir_.file("host_ecdsa") + "\n";
    config +=
        "HostKey " + dir_.file("host_ed25519") +
        "\n"
        "PidFile " +
        dir_.file("sshd.pid") +
        "\n"
        "AuthorizedKeysFile " +
        dir_.file("authorized_keys") + "\nTrustedUserCAKeys " + user_ca() + ".pub\n" +
        std::string(
            pam_service.empty()
                ? "UsePAM no\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n"
                  "LogLevel ERROR\n"
                : "UsePAM yes\nPasswordAuthentication no\nKbdInteractiveAuthentication yes\n"
                  "LogLevel VERBOSE\n") +
        "StrictModes no\n"
        "PubkeyAuthentication yes\nPermitRootLogin no\nMaxStartups 2000:30:4000\nMaxSessions 100\n"
        "MaxAuthTries 10\nLoginGraceTime 30\nUseDNS no\nPrintMotd no\n"
        "Subsystem sftp internal-sftp\n"
        "AllowUsers " +
        std::string(user()) + "\n";
    // Distinct "hosts" on one machine: SFTP sessions through each address
    // start in their own directory, so relative remote paths differ per host.
    for (const auto& a : addresses) {
        if (!sftp_dir_per_address) break;
        std::filesystem::create_directories(sftp_dir(a));
        must({"chown", std::string(user()) + ":", sftp_dir(a)});
        // A forced command also replaces the sftp subsystem (then named in
        // SSH_ORIGINAL_COMMAND); the rest line is taken as is by sshd.
        const auto forced = commands_in_dirs
                                ? "cd " + sftp_dir(a) +
                                      " && if [ \"$SSH_ORIGINAL_COMMAND\" = internal-sftp ]; then "
                                      "exec /usr/lib/openssh/sftp-server; else eval "
                                      "\"$SSH_ORIGINAL_COMMAND\"; fi"
                                : "internal-sftp -d " + sftp_dir(a);
        config += "Match LocalAddress " + a + "\n  ForceCommand " + forced + "\n";
    }
    const auto config_path = dir_.write("sshd_config", config);

    const auto log_path =
        dir_.file("sshd.log"); // -E: its messages go there, not to the test's stderr
    // sshd names its PAM service after the file it runs as: a link named for it.
    std::string program = "/usr/sbin/sshd";
    if (!pam_service.empty() && pam_service != "sshd") {
        program = dir_.file(pam_service);
        std::filesystem::create_symlink("/usr/sbin/sshd", program);
    }
    const auto hosts_path = etc_hosts.empty() ? std::string() : dir_.write("etc_hosts", etc_hosts);
    pid_ = ::fork();
    if (pid_ == 0) {
        const int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        if (!hosts_path.empty() &&
            (::unshare(CLONE_NEWNS) != 0 ||
             ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
             ::mount(hosts_path.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0))
            std::_Exit(126);
        ::execl(program.c_str(), program.c_str(), "-D", "-E", log_path.c_str(), "-f",
                config_path.c_str(), nullptr);
        std::_Exit(127);
    }
    for (int i = 0; i < 500; ++i) {
        bool all = true;
        for (const auto& a : addresses)
            all = all && accepts(a, port_);
        if (all) return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("sshd exited at start: " + read_file(log_path));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("sshd did not start listening");
}

sshd_server::~sshd_server() {
    kill_now(); // no session of a finished test may outlive it
    std::error_code ec;
    std::filesystem::remove_all(scratch_, ec);
}

void sshd_server::freeze_sessions(bool frozen) {
    for (const pid_t p : descendants(pid_))
        ::kill(p, frozen ? SIGSTOP : SIGCONT);
}

void sshd_server::kill_now() {
    if (pid_ <= 0) return;
    // Sessions run in children (and grandchildren) of the listener: stop the
    // whole tree first so nothing is reparented and keeps serving.
    ::kill(pid_, SIGSTOP);
    for (const pid_t p : descendants(pid_))
        ::kill(p, SIGSTOP);
    for (const pid_t p : descendants(pid_))
        ::kill(p, SIGKILL);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::string sshd_server::log() const {
    return read_file(dir_.file("sshd.log"));
}

std::string sshd_server::known_hosts_line(const std::string& host) const {
    const std::string name = port_ == 22 ? host : "[" + host + "]:" + std::to_string(port_);
    return name + " " + host_public_key() + "\n";
}

std::string sshd_server::host_public_key(const std::string& type) const {
    std::istringstream pub(read_file(dir_.file("host_" + type + ".pub")));
    std::string key_type, key;
    pub >> key_type >> key;
    return key_type + " " + key;
}

ssh_agent::ssh_agent(const std::string& key) {
    socket_ = dir_.file("agent.sock");
    const auto log_path =
        dir_.file("sshd.log"); // -E: its messages go there, not to the test's stderr
    pid_ = ::fork();
    if (pid_ == 0) {
        const int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::execlp("ssh-agent", "ssh-agent", "-D", "-a", socket_.c_str(), nullptr);
        std::_Exit(127);
    }
    for (int i = 0; i < 200 && !std::filesystem::exists(socket_); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::setenv("SSH_AUTH_SOCK", socket_.c_str(), 1);
    must({"ssh-add", "-q", key});
}

ssh_agent::~ssh_agent() {
    ::unsetenv("SSH_AUTH_SOCK");
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
}

} // namespace asyncfetch::testing
