// -j N: worker processes behind the real binary. Same records as one
// process, nothing lost when workers are killed, nothing left behind.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <set>
#include <thread>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

std::string urls(const std::string& base, const std::string& path, int n) {
    std::string text;
    for (int i = 0; i < n; ++i)
        text += base + path + "?i=" + std::to_string(i) + "\n";
    return text;
}

// What a record says, without its timing.
std::multiset<std::string> contents(const std::vector<json>& records,
                                    const std::vector<std::string>& keys) {
    std::multiset<std::string> out;
    for (const auto& r : records) {
        json kept;
        for (const auto& k : keys)
            kept[k] = r[k];
        out.insert(kept.dump());
    }
    return out;
}

std::vector<pid_t> wait_for_workers(pid_t parent, std::size_t n) {
    for (int i = 0; i < 500; ++i) {
        auto found = descendants(parent);
        if (found.size() >= n) return found;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return descendants(parent);
}

bool process_exists(pid_t pid) {
    return ::kill(pid, 0) == 0;
}

} // namespace

TEST_CASE("launcher: -j 4 yields the same records as -j 1 (HTTP)") {
    testserver::server server;
    temp_dir dir;
    const auto base = server.base_url();
    const auto file =
        dir.write("urls.txt", urls(base, "/bytes/10", 30) + urls(base, "/status/404", 5) +
                                  urls(base, "/gzip/100", 5) + "http://127.0.0.1:1/refused\n");
    auto one = run(asyncfetch_cmd({file, "-q", "-c", "8"}));
    auto four = run(asyncfetch_cmd({file, "-q", "-c", "4", "-j", "4"}));
    CHECK(one.status == 1); // the 404s and the refused port
    CHECK(four.status == one.status);
    const std::vector<std::string> keys = {"url", "final_url", "status", "bytes", "error"};
    const auto a = records_of(one.out), b = records_of(four.out);
    CHECK(a.size() == 41);
    CHECK(contents(a, keys) == contents(b, keys));
    CHECK(four.err.find("41 targets: 35 ok, 6 failed") != std::string::npos);
}

TEST_CASE("launcher: -j 3 yields the same records as -j 1 (SSH)") {
    if (sshd_unavailable()) return;
    sshd_server sshd({"127.0.0.1", "127.0.0.2", "127.0.0.3"});
    temp_dir dir;
    std::string hosts;
    for (int i = 0; i < 12; ++i)
        hosts += std::string(sshd_server::user()) + "@127.0.0." + std::to_string(1 + i % 3) + ":" +
                 std::to_string(sshd.port()) + "\n";
    const auto file = dir.write("hosts.txt", hosts);
    auto ssh = [&](std::vector<std::string> extra) {
        std::vector<std::string> argv = {"ssh",
                                         "--known-hosts",
                                         dir.file("known_hosts"),
                                         "--no-agent",
                                         "-q",
                                         "-i",
                                         sshd.ed25519_key(),
                                         file};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.insert(argv.end(), {"--", "echo", "$SSH_CONNECTION", "|", "cut", "-d' '", "-f3"});
        return run(asyncfetch_cmd(argv), "", 120);
    };
    auto one = ssh({"-c", "4"});
    auto three = ssh({"-c", "2", "-j", "3"});
    CHECK_MESSAGE(one.status == 0, one.err);
    CHECK_MESSAGE(three.status == 0, three.err);
    const std::vector<std::string> keys = {"host",        "port",   "user",
                                           "exit_status", "stdout", "error"};
    CHECK(records_of(one.out).size() == 12);
    CHECK(contents(records_of(one.out), keys) == contents(records_of(three.out), keys));
    // Several workers added the same hosts to one known_hosts: still one line each.
    CHECK(lines_of(read_file(dir.file("known_hosts"))).size() == 3);
}

TEST_CASE("launcher: a worker killed mid-run loses nothing, its targets finish elsewhere") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", urls(server.base_url(), "/delay/300ms", 60));
    child c(asyncfetch_cmd({file, "-q", "-c", "5", "-j", "3", "--per-host", "0"}));
    const auto workers = wait_for_workers(c.pid(), 3);
    REQUIRE(workers.size() == 3);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(450)); // targets in flight in every worker
    ::kill(workers[1], SIGKILL);
    auto r = c.wait(60);
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    CHECK(records.size() == 60);
    std::set<std::string> seen;
    for (const auto& rec : records) {
        CHECK(rec["error"].is_null());
        seen.insert(rec["url"].get<std::string>());
    }
    CHECK(seen.size() == 60); // each URL exactly once
}

TEST_CASE("launcher: a target whose worker dies twice becomes an error record") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", server.base_url() + "/delay/20s\n");
    child c(asyncfetch_cmd({file, "-q", "-j", "2"}));
    for (int round = 0; round < 2; ++round) {
        const auto workers = wait_for_workers(c.pid(), 2);
        if (workers.size() != 2) {
            const auto r = c.wait(1);
            FAIL("round " << round << ": " << workers.size() << " workers; parent exit " << r.status
                          << ", stderr: " << r.err << ", stdout: " << r.out);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the request is in flight
        for (const pid_t w : workers)
            ::kill(w, SIGKILL);
        for (const pid_t w : workers) // until the parent reaped them (a zombie still "exists")
            for (int i = 0; i < 500 && process_exists(w); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto r = c.wait(30);
    CHECK(r.status == 1);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK_MESSAGE(records[0]["error"].get<std::string>().find("died twice") != std::string::npos,
                  records[0]);
}

TEST_CASE("launcher: Ctrl-C stops the workers, every target is recorded, no process is left") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", urls(server.base_url(), "/delay/20s", 30));
    child c(asyncfetch_cmd({file, "-q", "-j", "3", "-c", "5"}));
    const auto workers = wait_for_workers(c.pid(), 3);
    REQUIRE(workers.size() == 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c.signal(SIGINT);
    auto r = c.wait(30);
    CHECK(r.status == 130);
    const auto records = records_of(r.out);
    CHECK(records.size() == 30);
    for (const auto& rec : records)
        CHECK(rec["error"] == "cancelled");
    for (const pid_t w : workers)
        CHECK_MESSAGE(!process_exists(w), "worker " << w << " outlived the run");
}

TEST_CASE("launcher: --per-host holds for the whole run, not per worker") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", urls(server.base_url(), "/delay/100ms", 40));
    auto r = run(asyncfetch_cmd({file, "-q", "-c", "20", "-j", "4", "--per-host", "8"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(records_of(r.out).size() == 40);
    CHECK(server.peak_requests_in_flight() <= 8);
    CHECK(server.peak_requests_in_flight() >= 4); // the workers did run side by side
}

TEST_CASE(
    "launcher: --ordered writes records in input order, --compare with -j prints three costs") {
    testserver::server server;
    temp_dir dir;
    std::string text;
    std::vector<std::string> expected;
    for (int i = 0; i < 12; ++i) { // later lines finish first
        expected.push_back(server.base_url() + "/delay/" + std::to_string(10 + (12 - i) * 25) +
                           "ms");
        text += expected.back() + "\n";
    }
    const auto file = dir.write("urls.txt", text);
    auto r = run(asyncfetch_cmd({file, "-q", "-j", "3", "-c", "4", "--ordered"}));
    CHECK(r.status == 0);
    std::vector<std::string> got;
    for (const auto& rec : records_of(r.out))
        got.push_back(rec["url"].get<std::string>());
    CHECK(got == expected);
    auto plain = run(asyncfetch_cmd({file, "-q", "-j", "3", "-c", "4"}));
    got.clear();
    for (const auto& rec : records_of(plain.out))
        got.push_back(rec["url"].get<std::string>());
    CHECK(got != expected); // completion order by default

    auto compare = run(asyncfetch_cmd({file, "-q", "-j", "2", "-c", "6", "--compare"}));
    CHECK(compare.status == 0);
    CHECK(compare.err.find("serial cost ") != std::string::npos);
    CHECK(compare.err.find("concurrent cost ") != std::string::npos);
    CHECK(compare.err.find("2 processes cost ") != std::string::npos);
    CHECK(records_of(compare.out).size() == 12);
}

TEST_CASE("launcher: a CPU-bound gzip run is spread over both workers") {
    // How much faster that is belongs to bench/launcher.sh; here: both did the work.
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", urls(server.base_url(), "/gzip/2000000", 24));
    auto r = run(asyncfetch_cmd({file, "-q", "-j", "2", "-c", "3", "--per-host", "0"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 24);
    for (const auto& rec : records)
        CHECK(rec["bytes"] == 2000000); // decoded
    const auto at = r.err.find("workers: 2 processes ran ");
    REQUIRE_MESSAGE(at != std::string::npos, r.err);
    int a = 0, b = 0;
    CHECK(std::sscanf(r.err.c_str() + at, "workers: 2 processes ran %d, %d targets", &a, &b) == 2);
    CHECK(a + b == 24);
    CHECK(a >= 6);
    CHECK(b >= 6);
}
