// ssh_config through the real binary against a real sshd: aliases, flags
// winning over the file, host-key policy from the file, what is refused
// (a malformed file), JSON config jobs.
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

using namespace asyncfetch::testing;

namespace {

struct config_fixture {
    sshd_server sshd;
    temp_dir dir;
    // Aliases web1 and web2 for the sshd; `extra` goes in the Host block.
    std::string config(const std::string& extra = "") const {
        return dir.write("ssh_config", "Host web*\n  HostName 127.0.0.1\n  Port " +
                                           std::to_string(sshd.port()) + "\n  User " +
                                           sshd_server::user() + "\n  IdentityFile " +
                                           sshd.ed25519_key() + "\n  UserKnownHostsFile " +
                                           dir.file("kh_%h") + "\n" + extra);
    }
    std::string hosts(const std::string& text) const { return dir.write("hosts.txt", text); }
    run_result ssh(std::vector<std::string> args) const {
        std::vector<std::string> argv = {"ssh", "--no-agent", "-q"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--", "echo", "hi"});
        return run(asyncfetch_cmd(argv), "", 120);
    }
};

} // namespace

TEST_CASE("ssh_config: hosts by alias reach HostName, Port, User and IdentityFile of the file") {
    if (sshd_unavailable()) return;
    config_fixture f;
    auto r = f.ssh({f.hosts("web1\nweb2\n"), "-F", f.config()});
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 2);
    for (const auto& record : records) {
        CHECK(record["error"].is_null());
        CHECK(record["stdout"] == "hi\n");
        CHECK(record["port"] == f.sshd.port());
        CHECK(record["user"] == sshd_server::user());
    }
    // Records name hosts as the hosts file does; known_hosts names what was reached.
    CHECK((records[0]["host"] == "web1" || records[0]["host"] == "web2"));
    CHECK(read_file(f.dir.file("kh_127.0.0.1")).find("[127.0.0.1]:") == 0);
    // Without the file the alias means nothing.
    auto none = f.ssh({f.hosts("web1\n"), "-F", "none", "--connect-timeout", "2s"});
    CHECK(none.status == 1);
}

TEST_CASE("ssh_config: flags on the command line and the hosts line win over the file") {
    if (sshd_unavailable()) return;
    config_fixture f;
    // The file's Port is wrong; -p is right.
    const auto wrong_port = f.config("  Port 1\n");
    auto ok = f.ssh({f.hosts("web1\n"), "-F", wrong_port, "-p", std::to_string(f.sshd.port())});
    CHECK_MESSAGE(ok.status == 0, ok.err);
    // Without -p the file's first Port (the sshd's) holds: first value wins.
    auto first = f.ssh({f.hosts("web1\n"), "-F", wrong_port});
    CHECK_MESSAGE(first.status == 0, first.err);
    // A user on the hosts line wins over User.
    auto nobody = f.ssh({f.hosts("nobody@web1\n"), "-F", f.config()});
    CHECK(nobody.status == 1);
    CHECK(records_of(nobody.out).at(0)["user"] == "nobody");
}

TEST_CASE("ssh_config: StrictHostKeyChecking yes refuses an unknown host, --host-key-policy wins") {
    if (sshd_unavailable()) return;
    config_fixture f;
    const auto strict = f.config("  StrictHostKeyChecking yes\n");
    auto refused = f.ssh({f.hosts("web1\n"), "-F", strict});
    CHECK(refused.status == 1);
    const auto error = records_of(refused.out).at(0)["error"].get<std::string>();
    CHECK_MESSAGE(error.find("not in") != std::string::npos, error);
    auto accepted = f.ssh({f.hosts("web1\n"), "-F", strict, "--host-key-policy", "accept-new"});
    CHECK_MESSAGE(accepted.status == 0, accepted.err);
}

TEST_CASE("ssh_config: a host behind an unreachable ProxyJump is an error record (never a direct "
          "connection), the others run") {
    if (sshd_unavailable()) return;
    config_fixture f;
    const auto config = f.config("Host web2\n  ProxyJump 127.0.0.1:1\n");
    auto r = f.ssh({f.hosts("web1\nweb2\n"), "-F", config});
    CHECK(r.status == 1);
    std::map<std::string, nlohmann::json> by_host;
    for (const auto& record : records_of(r.out))
        by_host[record["host"]] = record;
    REQUIRE(by_host.size() == 2);
    CHECK(by_host["web1"]["error"].is_null());
    CHECK(by_host["web2"]["error"].get<std::string>().find("jump 127.0.0.1:1: connect ") == 0);
}

TEST_CASE("ssh_config: a malformed -F file stops the run with FILE:LINE, exit 2") {
    if (sshd_unavailable()) return;
    config_fixture f;
    const auto bad = f.dir.write("bad_config", "Host web1\n  Port 99999\n");
    auto r = f.ssh({f.hosts("web1\n"), "-F", bad});
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find(bad + ":2: Bad port '99999'.") != std::string::npos, r.err);
    CHECK(r.out.empty());
}

TEST_CASE("ssh_config: a JSON config's SSH job reads its ssh_config key") {
    if (sshd_unavailable()) return;
    config_fixture f;
    const auto hosts = f.hosts("web1\n");
    const auto out = f.dir.file("out.jsonl");
    const auto job =
        f.dir.write("jobs.json", R"({"jobs": [{"name": "hi", "kind": "ssh", "targets": ")" + hosts +
                                     R"(", "command": "echo hi", "agent": false, "ssh_config": ")" +
                                     f.config() + R"(", "output": ")" + out + R"("}]})");
    auto r = run(asyncfetch_cmd({"run", job, "--once"}), "", 120);
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(read_file(out));
    REQUIRE(records.size() == 1);
    CHECK(records[0]["stdout"] == "hi\n");
    const auto bad =
        f.dir.write("bad.json", R"({"jobs": [{"name": "hi", "kind": "ssh", "targets": ")" + hosts +
                                    R"(", "command": "true", "ssh_config": ")" +
                                    f.dir.write("c2", "Port x\n") + R"("}]})");
    auto refused = run(asyncfetch_cmd({"run", bad, "--dry-run"}));
    CHECK(refused.status == 2);
    CHECK_MESSAGE(refused.err.find("ssh_config") != std::string::npos, refused.err);
}
