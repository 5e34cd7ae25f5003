// Fan-out the way operators work, through the real binary against a real
// sshd listening on 127.0.0.1-3: node sets (-H, -x, @groups, ranges in hosts
// files) and grouped output (--group).
#include "tools/process.hpp"
#include "tools/small_fs.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

struct fanout_fixture {
    sshd_server sshd{{"127.0.0.1", "127.0.0.2", "127.0.0.3"}};
    temp_dir dir;
    // asyncfetch CMD with the test user, port, key and known_hosts; `tail`
    // after the options (the hosts, then `--` and the command).
    run_result run_cmd(const std::string& cmd, std::vector<std::string> args) const {
        std::vector<std::string> argv = {cmd,
                                         "--known-hosts",
                                         dir.file("known_hosts"),
                                         "--no-agent",
                                         "-q",
                                         "-i",
                                         sshd.ed25519_key(),
                                         "-l",
                                         sshd_server::user(),
                                         "-p",
                                         std::to_string(sshd.port())};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(asyncfetch_cmd(argv), "", 120);
    }
};

std::set<std::string> hosts_of(const std::vector<json>& records) {
    std::set<std::string> out;
    for (const auto& r : records)
        out.insert(r["host"].get<std::string>());
    return out;
}

// The server address the session reached, as the command prints it.
const std::vector<std::string> server_address = {"--",    "echo", "$SSH_CONNECTION", "|", "cut",
                                                 "-d' '", "-f3"};

} // namespace

TEST_CASE("ssh fan-out: -H ranges reach every host of the set, -x takes hosts out") {
    if (sshd_unavailable()) return;
    fanout_fixture f;
    auto args = std::vector<std::string>{"-H", "127.0.0.[1-3]", "-x", "127.0.0.2"};
    args.insert(args.end(), server_address.begin(), server_address.end());
    auto r = f.run_cmd("ssh", args);
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 2);
    CHECK(hosts_of(records) == std::set<std::string>{"127.0.0.1", "127.0.0.3"});
    for (const auto& rec : records)
        CHECK(rec["stdout"] == rec["host"].get<std::string>() + "\n");
}

TEST_CASE("ssh fan-out: @groups from --groups, in a hosts file and on the command line") {
    if (sshd_unavailable()) return;
    fanout_fixture f;
    const auto groups = f.dir.write("groups", "# the lab\n"
                                              "odd: 127.0.0.1 127.0.0.3\n"
                                              "all: @odd,127.0.0.2\n");
    const auto hosts = f.dir.write("hosts.txt", "@all\n");
    auto from_file = f.run_cmd("ssh", {"--groups", groups, hosts, "-x", "@odd", "--", "true"});
    CHECK_MESSAGE(from_file.status == 0, from_file.err);
    CHECK(hosts_of(records_of(from_file.out)) == std::set<std::string>{"127.0.0.2"});

    auto put = f.run_cmd("put", {"--groups", groups, "-H", "@odd", groups,
                                 f.sshd.remote_scratch() + "/groups.copy"});
    CHECK_MESSAGE(put.status == 0, put.err);
    const auto records = records_of(put.out);
    CHECK(hosts_of(records) == std::set<std::string>{"127.0.0.1", "127.0.0.3"});
    for (const auto& rec : records)
        CHECK(rec["destination"] == f.sshd.remote_scratch() + "/groups.copy");
}

TEST_CASE(
    "ssh fan-out: a malformed range, an unknown group, or too many hosts: exit 2, nothing run") {
    if (sshd_unavailable()) return;
    fanout_fixture f;
    const auto hosts = f.dir.write("hosts.txt", "127.0.0.1\n127.0.0.[3-1]\n");
    auto bad_line = f.run_cmd("ssh", {hosts, "--", "true"});
    CHECK(bad_line.status == 2);
    CHECK(bad_line.out.empty());
    CHECK(bad_line.err.find(hosts + ":2: range '3-1' goes down (write 1-3)") != std::string::npos);

    auto bad_arg = f.run_cmd("ssh", {"-H", "127.0.0.[1-", "--", "true"});
    CHECK(bad_arg.status == 2);
    CHECK(bad_arg.err.find("-H '127.0.0.[1-': missing ']' in '127.0.0.[1-'") != std::string::npos);

    const auto groups = f.dir.write("groups", "lab: 127.0.0.[1-3]\n");
    auto unknown = f.run_cmd("ssh", {"--groups", groups, "-H", "@labs", "--", "true"});
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("unknown group '@labs'") != std::string::npos);

    // 10^18 names: refused at once, not after trying to make them.
    const auto start = std::chrono::steady_clock::now();
    auto huge = f.run_cmd("ssh", {"-H", "n[1-1000000][1-1000000][1-1000000]", "--", "true"});
    CHECK(huge.status == 2);
    CHECK(huge.err.find("expands to more than 1000000 names") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("ssh fan-out: --group prints each distinct output once under its folded hosts") {
    if (sshd_unavailable()) return;
    fanout_fixture f;
    const std::vector<std::string> command = {
        "--",   "if",        "[",     "\"$(echo $SSH_CONNECTION | cut -d' ' -f3)\"",
        "=",    "127.0.0.2", "];",    "then",
        "echo", "odd;",      "exit",  "3;",
        "fi;",  "echo",      "same;", "echo",
        "warn", ">&2"};
    auto args = std::vector<std::string>{"-H", "127.0.0.[1-3]", "--group", "-o",
                                         f.dir.file("records.jsonl")};
    args.insert(args.end(), command.begin(), command.end());
    auto grouped = f.run_cmd("ssh", args);
    CHECK(grouped.status == 1);
    CHECK(grouped.out == "---------------- 127.0.0.[1,3] (2 hosts): exit status 0\n"
                         "same\n"
                         "--- stderr\n"
                         "warn\n"
                         "---------------- 127.0.0.2 (1 host): exit status 3\n"
                         "odd\n");

    // The records are those of a run without --group.
    auto plain_args = std::vector<std::string>{"-H", "127.0.0.[1-3]", "--ordered"};
    plain_args.insert(plain_args.end(), command.begin(), command.end());
    auto plain = f.run_cmd("ssh", plain_args);
    auto with_group = records_of(read_file(f.dir.file("records.jsonl")));
    auto without = records_of(plain.out);
    REQUIRE(with_group.size() == 3);
    REQUIRE(without.size() == 3);
    auto by_host = [](std::vector<json> records) {
        std::map<std::string, json> out;
        for (auto& r : records) {
            r.erase("start_ms");
            r.erase("elapsed_ms");
            out[r["host"].get<std::string>()] = r;
        }
        return out;
    };
    CHECK(by_host(with_group) == by_host(without));
}

TEST_CASE("ssh fan-out: --fail-fast starts no host after a failure, the rest are 'not started'") {
    if (sshd_unavailable()) return;
    fanout_fixture f;
    // One at a time: the refused port fails first, then nothing starts.
    auto r = f.run_cmd("ssh",
                       {"-c", "1", "--fail-fast", "-H", "127.0.0.1:1,127.0.0.[2-3]", "--", "true"});
    CHECK(r.status == 1);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 3);
    std::map<std::string, std::string> errors;
    for (const auto& rec : records)
        errors[rec["host"].get<std::string>()] = rec["error"].is_null() ? "" : rec["error"];
    CHECK(errors["127.0.0.1"].find("Connection refused") != std::string::npos);
    CHECK(errors["127.0.0.2"] == "not started: the failure limit (1 failure) was reached");
    CHECK(errors["127.0.0.3"] == "not started: the failure limit (1 failure) was reached");
}

TEST_CASE("ssh fan-out: --max-failures with --on-failure cancel stops the hosts still running") {
    if (sshd_unavailable()) return;
    fanout_fixture f;
    const auto start = std::chrono::steady_clock::now();
    // .1 and .2 sleep; .3 fails at once and reaches the limit of 1.
    auto r = f.run_cmd("ssh", {"-c", "3", "--max-failures", "1", "--on-failure", "cancel", "-H",
                               "127.0.0.[1-3]", "--", "case", "$SSH_CONNECTION", "in",
                               "*127.0.0.3*)", "exit", "5;;", "esac;", "sleep", "20"});
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.status == 1);
    CHECK(took < std::chrono::seconds(15));
    std::map<std::string, json> by_host;
    for (const auto& rec : records_of(r.out))
        by_host[rec["host"].get<std::string>()] = rec;
    REQUIRE(by_host.size() == 3);
    CHECK(by_host["127.0.0.3"]["exit_status"] == 5);
    for (const char* h : {"127.0.0.1", "127.0.0.2"})
        CHECK(by_host[h]["error"] == "cancelled: the failure limit (1 failure) was reached");
}

TEST_CASE("ssh fan-out: --out-dir and get name each host HOST+PORT, USER@ when not -l's") {
    if (sshd_unavailable()) return;
    fanout_fixture f;
    const auto port = std::to_string(f.sshd.port());
    const auto out_dir = f.dir.file("out");
    auto r = f.run_cmd("ssh", {"-H", "127.0.0.[1-2]", "--out-dir", out_dir, "--", "echo", "hi"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(read_file(out_dir + "/127.0.0.1+" + port + ".out") == "hi\n");
    CHECK(read_file(out_dir + "/127.0.0.2+" + port + ".out") == "hi\n");

    const auto remote = f.sshd.remote_scratch() + "/name.txt";
    auto put = f.run_cmd("put", {"-H", "127.0.0.1", f.dir.write("name.txt", "x\n"), remote});
    REQUIRE_MESSAGE(put.status == 0, put.err);
    const auto local = f.dir.file("got");
    // -l root: the test user is then not the default, and the name says so.
    auto get = run(
        asyncfetch_cmd({"get", "--known-hosts", f.dir.file("known_hosts"), "--no-agent", "-q", "-i",
                        f.sshd.ed25519_key(), "-l", "root", "-H",
                        std::string(sshd_server::user()) + "@127.0.0.3:" + port, remote, local}),
        "", 120);
    CHECK_MESSAGE(get.status == 0, get.err);
    CHECK(read_file(local + "/" + sshd_server::user() + "@127.0.0.3+" + port + "/name.txt") ==
          "x\n");
}
