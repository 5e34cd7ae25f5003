// Jump hosts through the real binary against real sshds: the target's name
// (inner-web) resolves only inside the bastion's mount namespace, so a
// record that succeeds went through the bastion. The sshds' logs show the
// direct-tcpip requests (bastion, LogLevel DEBUG1) and the connections
// (target, VERBOSE).
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

using namespace asyncfetch::testing;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

struct jump_fixture {
    // The bastion resolves inner-web (to itself, 127.0.0.1); nobody else does.
    sshd_server bastion{{"127.0.0.1"}, false, false, "", "127.0.0.1 localhost inner-web\n",
                        "DEBUG1"};
    sshd_server target{{"127.0.0.1"}, false, false, "", "", "VERBOSE"};
    temp_dir dir;

    std::string jump() const {
        return std::string(sshd_server::user()) + "@127.0.0.1:" + std::to_string(bastion.port());
    }
    std::string inner_line() const {
        return std::string(sshd_server::user()) + "@inner-web:" + std::to_string(target.port());
    }
    std::string hosts(std::size_t n) const {
        std::string text;
        for (std::size_t i = 0; i < n; ++i)
            text += inner_line() + "\n";
        return dir.write("hosts.txt", text);
    }
    // Each sshd authorizes its own key: both are offered.
    run_result ssh(std::vector<std::string> args,
                   std::vector<std::string> command = {"echo", "hi"}) const {
        std::vector<std::string> argv = {"ssh",
                                         "--no-agent",
                                         "-q",
                                         "-i",
                                         bastion.ed25519_key(),
                                         "-i",
                                         target.ed25519_key(),
                                         "--known-hosts",
                                         dir.file("known_hosts"),
                                         "--dns-servers",
                                         "127.0.0.77"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("--");
        argv.insert(argv.end(), command.begin(), command.end());
        return run(asyncfetch_cmd(argv), "", 120);
    }
    std::string direct_tcpip_to_target() const {
        return "target inner-web port " + std::to_string(target.port());
    }
};

} // namespace

TEST_CASE("jump: targets reachable only through the bastion, as both sshds' logs show") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    auto r = f.ssh({f.hosts(3), "-J", f.jump()});
    CHECK_MESSAGE(r.status == 0, r.err << r.out);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 3);
    for (const auto& record : records) {
        CHECK(record["error"].is_null());
        CHECK(record["stdout"] == "hi\n");
        CHECK(record["host"] == "inner-web");
    }
    // One session on the bastion carried three direct-tcpip channels...
    const auto bastion_log = f.bastion.log();
    CHECK_MESSAGE(count(bastion_log, f.direct_tcpip_to_target()) == 3, bastion_log);
    CHECK(count(bastion_log, "Accepted publickey") == 1);
    // ...and the target saw three connections (from the bastion's sshd).
    CHECK(count(f.target.log(), "Accepted publickey") == 3);
    // Directly, the name does not even resolve for the client.
    auto direct = f.ssh({f.hosts(1), "--connect-timeout", "2s"});
    CHECK(direct.status == 1);
    const auto failed = records_of(direct.out);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0]["error"].get<std::string>().find("resolve inner-web") == 0);
    CHECK(count(f.target.log(), "Accepted publickey") == 3);
}

TEST_CASE("jump: a target the bastion cannot reach is that target's error, the others run") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    const auto hosts = f.dir.write(
        "hosts.txt", f.inner_line() + "\n" + std::string(sshd_server::user()) + "@inner-web:1\n");
    auto r = f.ssh({hosts, "-J", f.jump()});
    CHECK(r.status == 1);
    std::size_t ok = 0, refused = 0;
    for (const auto& record : records_of(r.out)) {
        if (record["error"].is_null())
            ++ok;
        else
            refused += record["error"].get<std::string>().find(
                           "jump 127.0.0.1:" + std::to_string(f.bastion.port()) +
                           ": channel to inner-web:1: ") == 0;
    }
    CHECK(ok == 1);
    CHECK_MESSAGE(refused == 1, r.out);
}

TEST_CASE("jump: a bastion whose host key changed is refused and no target is contacted") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    // known_hosts pins the bastion's name to the target's key.
    const auto bastion_name = "[127.0.0.1]:" + std::to_string(f.bastion.port());
    f.dir.write("known_hosts", bastion_name + " " + f.target.host_public_key() + "\n");
    auto r = f.ssh({f.hosts(2), "-J", f.jump()});
    CHECK(r.status == 1);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 2);
    for (const auto& record : records) {
        const auto error = record["error"].get<std::string>();
        CHECK_MESSAGE(error.find("jump 127.0.0.1:" + std::to_string(f.bastion.port()) + ": ") == 0,
                      error);
        CHECK(error.find("HAS CHANGED") != std::string::npos);
    }
    CHECK(count(f.bastion.log(), "direct-tcpip") == 0);
    CHECK(count(f.target.log(), "Accepted publickey") == 0);
}

TEST_CASE("jump: a dead bastion gives one error record per target behind it") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    const auto prefix = "jump 127.0.0.1:" + std::to_string(f.bastion.port()) + ": ";
    SUBCASE("dead before the run") {
        f.bastion.kill_now();
        auto r = f.ssh({f.hosts(5), "-J", f.jump()});
        CHECK(r.status == 1);
        const auto records = records_of(r.out);
        REQUIRE(records.size() == 5);
        for (const auto& record : records)
            CHECK(record["error"].get<std::string>().find(prefix + "connect ") == 0);
    }
    SUBCASE("dying under running commands") {
        std::thread killer([&f] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            f.bastion.kill_now();
        });
        const auto start = std::chrono::steady_clock::now();
        auto r = f.ssh({f.hosts(4), "-J", f.jump()}, {"sleep", "8"});
        killer.join();
        CHECK(r.status == 1);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(6));
        const auto records = records_of(r.out);
        REQUIRE(records.size() == 4);
        for (const auto& record : records)
            CHECK_MESSAGE(record["error"].get<std::string>().find(prefix) == 0, record.dump());
    }
    CHECK(count(f.target.log(), "Accepted publickey") <= 4);
}

TEST_CASE("jump: 100 targets behind one bastion share one bastion connection") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    auto r = f.ssh({f.hosts(100), "-J", f.jump(), "-c", "100"}, {"true"});
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 100);
    std::size_t ok = 0;
    for (const auto& record : records)
        ok += record["error"].is_null() && record["exit_status"] == 0;
    CHECK(ok == 100);
    const auto bastion_log = f.bastion.log();
    CHECK(count(bastion_log, "Accepted publickey") == 1);
    CHECK(count(bastion_log, f.direct_tcpip_to_target()) == 100);
    CHECK(count(f.target.log(), "Accepted publickey") == 100);
}

TEST_CASE("jump: ProxyJump from ssh_config, and -J none and ProxyJump none connect directly") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    const auto config =
        f.dir.write("ssh_config", "Host inner-*\n  ProxyJump " + f.jump() + "\nHost *\n  User " +
                                      sshd_server::user() + "\n  Port " +
                                      std::to_string(f.target.port()) + "\n");
    const auto hosts = f.dir.write("names.txt", "inner-web\n");
    auto r = f.ssh({hosts, "-F", config});
    CHECK_MESSAGE(r.status == 0, r.err << r.out);
    CHECK(count(f.bastion.log(), f.direct_tcpip_to_target()) == 1);
    auto none = f.ssh({hosts, "-F", config, "-J", "none", "--connect-timeout", "2s"});
    CHECK(none.status == 1);
    CHECK(records_of(none.out).at(0)["error"].get<std::string>().find("resolve inner-web") == 0);
    CHECK(count(f.bastion.log(), f.direct_tcpip_to_target()) == 1);
}

TEST_CASE("jump: a chain of two hops, the second reachable only through the first") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    // The second hop is the bastion again, by the name only it resolves.
    const auto second =
        std::string(sshd_server::user()) + "@inner-web:" + std::to_string(f.bastion.port());
    auto r = f.ssh({f.hosts(2), "-J", f.jump() + "," + second});
    CHECK_MESSAGE(r.status == 0, r.err << r.out);
    const auto bastion_log = f.bastion.log();
    CHECK(count(bastion_log, "Accepted publickey") == 2); // hop 1, then hop 2 through it
    CHECK(count(bastion_log, "target inner-web port " + std::to_string(f.bastion.port())) == 1);
    CHECK(count(bastion_log, f.direct_tcpip_to_target()) == 2);
}

TEST_CASE("jump: ProxyCommand runs with a socketpair as its stdin and stdout, tokens expanded") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    const auto config = f.dir.write(
        "ssh_config",
        "Host inner-*\n  ProxyCommand ssh -F none -o BatchMode=yes -o StrictHostKeyChecking=no "
        "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i " +
            f.bastion.ed25519_key() + " -p " + std::to_string(f.bastion.port()) + " -W %h:%p " +
            sshd_server::user() + "@127.0.0.1\n");
    auto r = f.ssh({f.hosts(2), "-F", config});
    CHECK_MESSAGE(r.status == 0, r.err << r.out);
    CHECK(count(f.bastion.log(), f.direct_tcpip_to_target()) == 2);
    // The command's process group is killed when the session ends: a child
    // that would outlive it (a background sleep) is gone too.
    const auto pid_file = f.dir.file("sleep.pid");
    const auto lingering =
        f.dir.write("lingering_config",
                    "Host inner-*\n  ProxyCommand sleep 300 & echo $! > " + pid_file +
                        "; exec ssh -F none -o BatchMode=yes -o StrictHostKeyChecking=no "
                        "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i " +
                        f.bastion.ed25519_key() + " -p " + std::to_string(f.bastion.port()) +
                        " -W %h:%p " + sshd_server::user() + "@127.0.0.1\n");
    auto lingered = f.ssh({f.hosts(1), "-F", lingering});
    CHECK_MESSAGE(lingered.status == 0, lingered.err << lingered.out);
    const int sleeper = std::stoi(read_file(pid_file));
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = ::kill(sleeper, 0) != 0;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(gone);
    // A command that fails is the host's error, not a hang.
    const auto broken = f.dir.write("broken_config", "Host inner-*\n  ProxyCommand exit 3\n");
    auto failed = f.ssh({f.hosts(1), "-F", broken, "--connect-timeout", "5s"});
    CHECK(failed.status == 1);
    CHECK(records_of(failed.out).at(0)["error"].get<std::string>().find("handshake") == 0);
}

TEST_CASE("jump: megabytes both ways through the tunnels arrive whole") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    // 3 MiB to every command's stdin, 2 MB back from each: far more than one
    // tunnel buffer (64 KiB) or libssh2's channel window (2 MiB).
    std::string input;
    for (int i = 0; input.size() < (3u << 20); ++i)
        input += std::to_string(i) + "\n";
    const auto input_file = f.dir.write("input.bin", input);
    auto r = f.ssh({f.hosts(3), "-J", f.jump(), "--stdin", input_file},
                   {"wc -c; yes | head -c 2000000"});
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 3);
    for (const auto& record : records) {
        const auto out = record["stdout"].get<std::string>();
        CHECK(out.substr(0, out.find('\n')) == std::to_string(input.size()));
        CHECK(out.size() == std::to_string(input.size()).size() + 1 + 2000000);
    }
}

TEST_CASE("jump: a JSON config's SSH job reads its jump key") {
    if (sshd_unavailable()) return;
    jump_fixture f;
    const auto out = f.dir.file("out.jsonl");
    const auto job = f.dir.write(
        "jobs.json",
        R"({"jobs": [{"name": "hi", "kind": "ssh", "targets": ")" + f.hosts(2) +
            R"(", "command": "echo hi", "agent": false, "ssh_config": "none", "identity": [")" +
            f.bastion.ed25519_key() + R"(", ")" + f.target.ed25519_key() +
            R"("], "known_hosts": ")" + f.dir.file("known_hosts") + R"(", "jump": ")" + f.jump() +
            R"(", "output": ")" + out + R"("}]})");
    auto r = run(asyncfetch_cmd({"run", job, "--once"}), "", 120);
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(read_file(out));
    REQUIRE(records.size() == 2);
    CHECK(records[0]["stdout"] == "hi\n");
    CHECK(count(f.bastion.log(), f.direct_tcpip_to_target()) == 2);
}
