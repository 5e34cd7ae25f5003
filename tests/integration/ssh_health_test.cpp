// Connection health through the real binary against a real sshd: keep-alives
// (a host that falls silent ends in an error; one that answers runs on),
// connect retries (refused and unanswered connects tried again, a failed
// handshake never), compression negotiated when asked.
#include "tools/common.hpp"
#include "tools/listeners.hpp"
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace asyncfetch::testing;
using clock_type = std::chrono::steady_clock;

namespace {

struct health_fixture {
    sshd_server sshd;
    temp_dir dir;
    std::string hosts(std::uint16_t port) const {
        return dir.write("hosts.txt", std::string(sshd_server::user()) +
                                          "@127.0.0.1:" + std::to_string(port) + "\n");
    }
    std::vector<std::string> ssh_argv(std::vector<std::string> args,
                                      const std::vector<std::string>& command) const {
        std::vector<std::string> argv = {
            "ssh", "--known-hosts",   dir.file("known_hosts"), "--no-agent", "-q",
            "-i",  sshd.ed25519_key()};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("--");
        argv.insert(argv.end(), command.begin(), command.end());
        return asyncfetch_cmd(argv);
    }
};

// Whether a descendant of `pid` runs `name` (its /proc comm).
bool runs(pid_t pid, const std::string& name) {
    for (const pid_t p : descendants(pid)) {
        std::ifstream comm("/proc/" + std::to_string(p) + "/comm");
        std::string text;
        if (std::getline(comm, text) && text == name) return true;
    }
    return false;
}

// Starts listening on `port` after `delay`, then for `open_for` accepts every
// connection, writes a line that is no SSH banner and closes it, counting them.
class late_listener {
public:
    late_listener(std::uint16_t port, std::chrono::milliseconds delay,
                  std::chrono::milliseconds open_for)
        : thread_([this, port, delay, open_for] {
              std::this_thread::sleep_for(delay);
              const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
              const int on = 1;
              ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
              sockaddr_in a{};
              a.sin_family = AF_INET;
              a.sin_port = htons(port);
              a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
                  ::listen(fd, 16) != 0) {
                  ::close(fd);
                  return;
              }
              const auto until = clock_type::now() + open_for;
              while (clock_type::now() < until) {
                  pollfd p{fd, POLLIN, 0};
                  if (::poll(&p, 1, 50) != 1) continue;
                  const int c = ::accept(fd, nullptr, nullptr);
                  if (c < 0) continue;
                  ++accepted_;
                  const char line[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
                  (void)::write(c, line, sizeof line - 1);
                  ::close(c);
              }
              ::close(fd);
          }) {}
    ~late_listener() { thread_.join(); }
    int accepted() const { return accepted_; }

private:
    std::atomic<int> accepted_{0};
    std::thread thread_;
};

} // namespace

TEST_CASE("ssh --keepalive: a host that falls silent mid-command ends in an error record, "
          "interval x (count + 1) after its last word, as OpenSSH") {
    if (sshd_unavailable()) return;
    health_fixture f;
    child run(f.ssh_argv(
        {f.hosts(f.sshd.port()), "--keepalive", "2s", "--keepalive-count", "2", "--timeout", "60s"},
        {"sleep", "30"}));
    // Once the command runs, the host goes silent with its connection open.
    const auto waiting = clock_type::now();
    while (!runs(f.sshd.pid(), "sleep") && seconds_since(waiting) < 20)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    f.sshd.freeze_sessions(true);
    const auto frozen = clock_type::now();
    auto r = run.wait(40);
    const double took = seconds_since(frozen);
    f.sshd.freeze_sessions(false);
    CHECK(r.status == 1);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    const auto error = records[0]["error"].get<std::string>();
    CHECK_MESSAGE(error.find("no answer to 2 keep-alives") != std::string::npos, error);
    // 6 s after the last byte; the --timeout of 60 s never came near.
    CHECK(took >= 5.0);
    CHECK(took < 15.0);
}

TEST_CASE("ssh keep-alives from ssh_config (ServerAliveInterval, ServerAliveCountMax) that are "
          "answered keep a quiet command running") {
    if (sshd_unavailable()) return;
    health_fixture f;
    // A keep-alive every 2 s (libssh2's shortest; 1 is read as 2), the host
    // given up after one unanswered, i.e. 4 s of silence: a 7 s silent command
    // lives only if the answers are counted.
    const auto config =
        f.dir.write("ssh_config", "Host *\n  ServerAliveInterval 1\n  ServerAliveCountMax 1\n");
    auto r = run(f.ssh_argv({f.hosts(f.sshd.port()), "-F", config}, {"sleep", "7;", "echo", "ok"}),
                 "", 60);
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["stdout"] == "ok\n");
}

TEST_CASE("ssh --connect-retries: a refused host is tried again with a backoff, and the error "
          "says how many times") {
    if (sshd_unavailable()) return;
    health_fixture f;
    const auto port = free_port();
    const auto start = clock_type::now();
    auto r = run(f.ssh_argv({f.hosts(port), "--connect-retries", "2"}, {"true"}), "", 60);
    const double took = seconds_since(start);
    CHECK(r.status == 1);
    const auto error = records_of(r.out).at(0)["error"].get<std::string>();
    CHECK_MESSAGE(error.find("refused (3 attempts)") != std::string::npos, error);
    CHECK(took >= 1.4); // 0.5 s then 1 s between the three
    // Without retries: one attempt, said as before.
    auto once = run(f.ssh_argv({f.hosts(port)}, {"true"}), "", 60);
    const auto once_error = records_of(once.out).at(0)["error"].get<std::string>();
    CHECK(once_error.find("attempts") == std::string::npos);
}

TEST_CASE("ssh --connect-retries: a host that comes up is reached, a failed handshake is never "
          "retried (ConnectionAttempts from ssh_config too)") {
    if (sshd_unavailable()) return;
    health_fixture f;
    const auto port = free_port();
    // Refused for 1.2 s, then a listener that is no SSH server.
    late_listener late(port, std::chrono::milliseconds(1200), std::chrono::seconds(8));
    const auto config = f.dir.write("ssh_config", "Host *\n  ConnectionAttempts 6\n");
    auto r = run(f.ssh_argv({f.hosts(port), "-F", config}, {"true"}), "", 60);
    CHECK(r.status == 1);
    const auto error = records_of(r.out).at(0)["error"].get<std::string>();
    // Connected on a later attempt; the handshake then failed once, for good.
    CHECK_MESSAGE(error.rfind("handshake", 0) == 0, error);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(late.accepted() == 1);
}

TEST_CASE("ssh --connect-retries: a host that never answers is tried again after each connect "
          "timeout") {
    if (sshd_unavailable()) return;
    health_fixture f;
    auto silent = unanswered_listener();
    const auto start = clock_type::now();
    auto r = run(
        f.ssh_argv({f.hosts(silent.port()), "--connect-timeout", "1s", "--connect-retries", "1"},
                   {"true"}),
        "", 60);
    CHECK(r.status == 1);
    const auto error = records_of(r.out).at(0)["error"].get<std::string>();
    CHECK_MESSAGE(error.find("timed out after 1.0 s (2 attempts)") != std::string::npos, error);
    CHECK(seconds_since(start) >= 2.4);
}
