// `asyncfetch run CONFIG` through the real binary: --dry-run, --once, a
// schedule that fires every second, overlap, SIGTERM, SIGHUP and outputs
// that appear whole or not at all.
#include "asyncfetch/testserver/server.hpp"
#include "tools/common.hpp"
#include "tools/process.hpp"
#include "tools/sshd.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<json> run_log(const temp_dir& dir) {
    return records_of(read_file(dir.file("c.runs.jsonl")));
}

// Polls every 20 ms, for at most 30 s, until `ready` holds. The tests below
// time their signals from a run the scheduler has logged, not from the
// child's start: a sanitizer build on a loaded machine can take a second
// to start.
template <class Ready>
bool wait_until(Ready ready) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!ready()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        sleep_s(0.02);
    }
    return true;
}

std::size_t count_status(const std::vector<json>& lines, const std::string& job,
                         const std::string& status) {
    std::size_t n = 0;
    for (const auto& l : lines)
        n += l["job"] == job && l["status"] == status;
    return n;
}

// Waits until the run log has `n` runs of `job` that ended `ok`.
bool wait_for_runs(const temp_dir& dir, const std::string& job, std::size_t n) {
    return wait_until([&] { return count_status(run_log(dir), job, "ok") >= n; });
}

// Files in `dir` whose names start with `prefix`.
std::vector<std::string> files_starting(const std::string& dir, const std::string& prefix) {
    std::vector<std::string> out;
    if (!fs::exists(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind(prefix, 0) == 0)
            out.push_back(e.path().filename().string());
    return out;
}

std::string fetch_job(const std::string& name, const std::vector<std::string>& urls,
                      const std::string& extra = "") {
    json j{{"name", name}, {"kind", "fetch"}, {"targets", urls}, {"retries", 0}};
    auto text = j.dump();
    if (!extra.empty()) text = text.substr(0, text.size() - 1) + ", " + extra + "}";
    return text;
}

std::string config_of(const std::vector<std::string>& jobs) {
    std::string text = R"({"jobs": [)";
    for (std::size_t i = 0; i < jobs.size(); ++i)
        text += (i ? ", " : "") + jobs[i];
    return text + "]}";
}

} // namespace

TEST_CASE("run --dry-run: each job's next five fire times, nothing runs") {
    temp_dir dir;
    const auto config =
        dir.write("c.json", config_of({fetch_job("yearly", {"http://127.0.0.1:9/"},
                                                 R"("schedule": {"cron": "0 0 1 1 *"})"),
                                       fetch_job("adhoc", {"http://127.0.0.1:9/"})}));
    const auto res = run(asyncfetch_cmd({"run", config, "--dry-run"}));
    CHECK(res.status == 0);
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    for (int i = 1; i <= 5; ++i) {
        const auto when = std::to_string(tm.tm_year + 1900 + i) + "-01-01T00:00:00Z";
        CHECK_MESSAGE(res.out.find("  " + when + "\n") != std::string::npos, res.out);
    }
    CHECK(res.out.find("job adhoc (fetch, 1 targets)") != std::string::npos);
    CHECK(res.out.find("no schedule: runs with --once only") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.file("c.runs.jsonl")));
}

TEST_CASE("run --once: every job once, outputs renamed into place, one run-log line each") {
    testserver::server server;
    const auto base = server.base_url();
    temp_dir dir;
    dir.write("urls.txt", base + "/bytes/10\n" + base + "/bytes/20\n");
    const auto config = dir.write(
        "c.json",
        R"({"jobs": [{"name": "good", "kind": "fetch", "targets": "urls.txt", "output": "out/{job}-{run}.jsonl"},)" +
            fetch_job("bad", {base + "/status/500", base + "/bytes/5"}) + "]}");
    auto res = run(asyncfetch_cmd({"run", config, "--once"}));
    CHECK(res.status == 1); // one target of "bad" failed
    const auto good = records_of(read_file(dir.file("out/good-1.jsonl")));
    CHECK(good.size() == 2);
    const auto bad = records_of(read_file(dir.file("bad.jsonl")));
    CHECK(bad.size() == 2);
    const auto log = run_log(dir);
    CHECK(count_status(log, "good", "ok") == 1);
    CHECK(count_status(log, "bad", "failed") == 1);
    for (const auto& l : log) {
        CHECK(l["targets"] == 2);
        CHECK(l.contains("start"));
        CHECK(l.contains("end"));
    }
    CHECK(files_starting(dir.file("out"), ".").empty()); // no temp files left

    // --job: one job only.
    res = run(asyncfetch_cmd({"run", config, "--once", "--job", "good", "-q"}));
    CHECK(res.status == 0);
    CHECK(fs::exists(dir.file("out/good-1.jsonl")));
    CHECK(run_log(dir).size() == 3);
    res = run(asyncfetch_cmd({"run", config, "--once", "--job", "nope"}));
    CHECK(res.status == 2);
    CHECK(res.err.find("no job named 'nope' (jobs: good, bad)") != std::string::npos);
}

TEST_CASE("run: a 1 s schedule counts its runs and skips a tick while a run is still going") {
    testserver::server server;
    const auto base = server.base_url();
    temp_dir dir;
    // Each run takes 2.5 s; ticks come every second: skip, skip, run, ...
    const auto config = dir.write(
        "c.json",
        config_of({fetch_job("slow", {base + "/delay/2500ms"},
                             R"("schedule": {"every": "1s"}, "output": "out/{run}.jsonl")"),
                   fetch_job("quick", {base + "/bytes/1"}, R"("schedule": {"every": "1s"})")}));
    child scheduler(asyncfetch_cmd({"run", config}));
    REQUIRE(wait_for_runs(dir, "quick", 1)); // its first run, right after the start
    sleep_s(5.5);
    scheduler.signal(SIGTERM);
    const auto res = scheduler.wait(30);
    CHECK(res.status == 0);
    const auto log = run_log(dir);
    // slow: runs at 0 s and 3 s (the second was still going at SIGTERM and finished within the
    // grace).
    CHECK(count_status(log, "slow", "ok") == 2);
    CHECK(count_status(log, "slow", "skipped") >= 3);
    // quick: a run every second, never skipped.
    CHECK(count_status(log, "quick", "ok") >= 5);
    CHECK(count_status(log, "quick", "ok") <= 7);
    CHECK(count_status(log, "quick", "skipped") == 0);
    CHECK(records_of(read_file(dir.file("out/1.jsonl"))).size() == 1);
    CHECK(records_of(read_file(dir.file("out/2.jsonl"))).size() == 1);
}

TEST_CASE("run: overlap queue runs the next run right after the current one") {
    testserver::server server;
    temp_dir dir;
    const auto config = dir.write(
        "c.json", config_of({fetch_job("q", {server.base_url() + "/delay/1500ms"},
                                       R"("schedule": {"every": "1s", "overlap": "queue"})")}));
    child scheduler(asyncfetch_cmd({"run", config, "-q"}));
    // Runs start at 0, 1.5 and 3.0 s back to back (plus each run's own start-up, which a loaded
    // machine and a sanitizer build stretch); a 4th could not start before 4.5 s.
    REQUIRE(wait_for_runs(dir, "q", 1)); // at 1.5 s
    sleep_s(2.8);
    scheduler.signal(SIGTERM);
    CHECK(scheduler.wait(30).status == 0);
    const auto log = run_log(dir);
    CHECK(count_status(log, "q", "skipped") == 0);
    CHECK(count_status(log, "q", "ok") == 3);
}

TEST_CASE("run: SIGTERM cancels a long run after the grace period, the output is whole") {
    testserver::server server;
    const auto base = server.base_url();
    temp_dir dir;
    const auto config = dir.write(
        "c.json",
        config_of({fetch_job("long", {base + "/bytes/3", base + "/delay/20s"},
                             R"("schedule": {"every": "1h"}, "output": "out/long.jsonl")")}));
    child scheduler(asyncfetch_cmd({"run", config, "--grace", "0.5"}));
    // Mid-run (the 3 bytes fetched, the 20 s delay not): only a temp file exists, never a
    // partial output.
    REQUIRE(wait_until([&] { return !files_starting(dir.file("out"), ".long.jsonl.").empty(); }));
    sleep_s(0.5);
    CHECK_FALSE(fs::exists(dir.file("out/long.jsonl")));
    CHECK(files_starting(dir.file("out"), ".long.jsonl.").size() == 1);
    const auto stop = std::chrono::steady_clock::now();
    scheduler.signal(SIGTERM);
    const auto res = scheduler.wait(30);
    CHECK(res.status == 0);
    CHECK(std::chrono::steady_clock::now() - stop < std::chrono::seconds(5));
    const auto records = records_of(read_file(dir.file("out/long.jsonl")));
    REQUIRE(records.size() == 2);
    std::size_t cancelled = 0;
    for (const auto& r : records)
        cancelled += r["error"] == "cancelled";
    CHECK(cancelled == 1);
    CHECK(files_starting(dir.file("out"), ".").empty());
    const auto log = run_log(dir);
    CHECK(count_status(log, "long", "cancelled") == 1);
    CHECK(res.err.find("grace period over") != std::string::npos);
}

TEST_CASE("run: SIGHUP reloads a valid config and refuses an invalid one") {
    testserver::server server;
    const auto base = server.base_url();
    temp_dir dir;
    const auto every_second = R"("schedule": {"every": "1s"})";
    const auto config =
        dir.write("c.json", config_of({fetch_job("a", {base + "/bytes/1"}, every_second)}));
    child scheduler(asyncfetch_cmd({"run", config}));
    REQUIRE(wait_for_runs(dir, "a", 1));
    dir.write(
        "c.json",
        R"({"jobs": [{"name": "a", "kind": "fetch", "targets": [], "schedule": {"every": "0s"}}]})");
    scheduler.signal(SIGHUP);
    // "a" goes on after the refused reload.
    CHECK(wait_for_runs(dir, "a", 3));
    const auto a_runs_before = count_status(run_log(dir), "a", "ok");
    dir.write("c.json", config_of({fetch_job("b", {base + "/bytes/2"}, every_second)}));
    scheduler.signal(SIGHUP);
    CHECK(wait_for_runs(dir, "b", 1));
    scheduler.signal(SIGTERM);
    const auto res = scheduler.wait(30);
    CHECK(res.status == 0);
    CHECK(res.err.find("jobs[0].schedule.every: must be at least 1s") != std::string::npos);
    CHECK(res.err.find("reload refused: the previous config keeps running") != std::string::npos);
    CHECK(res.err.find("reloaded") != std::string::npos);
    const auto log = run_log(dir);
    CHECK(count_status(log, "a", "ok") <= a_runs_before + 1);
    CHECK(count_status(log, "b", "ok") >= 1);
}

TEST_CASE("run: a reload whose run log cannot be opened is refused, the old log goes on") {
    testserver::server server;
    const auto base = server.base_url();
    temp_dir dir;
    const auto job = fetch_job("a", {base + "/bytes/1"}, R"("schedule": {"every": "1s"})");
    const auto config = dir.write("c.json", config_of({job}));
    child scheduler(asyncfetch_cmd({"run", config}));
    REQUIRE(wait_for_runs(dir, "a", 1));
    dir.write("c.json", R"({"run_log": "no-such-dir/runs.jsonl", "jobs": [)" + job + "]}");
    scheduler.signal(SIGHUP);
    sleep_s(0.3);
    const auto runs_before = count_status(run_log(dir), "a", "ok");
    CHECK(wait_for_runs(dir, "a", runs_before + 1)); // the old log goes on
    scheduler.signal(SIGTERM);
    const auto res = scheduler.wait(30);
    CHECK_MESSAGE(res.status == 0, res.err);
    CHECK(res.err.find("no-such-dir/runs.jsonl: cannot append") != std::string::npos);
    CHECK(res.err.find("reload refused: the previous config keeps running") != std::string::npos);
    CHECK(count_status(run_log(dir), "a", "ok") > runs_before);
}

TEST_CASE("run --dry-run: the example configs in configs/ are valid") {
    for (const char* name : {"crawl.json", "fleet.json"}) {
        CAPTURE(name);
        const auto res = run(asyncfetch_cmd(
            {"run", std::string(ASYNCFETCH_SOURCE_DIR) + "/configs/" + name, "--dry-run"}));
        CHECK_MESSAGE(res.status == 0, res.err);
    }
}

TEST_CASE("run: config mistakes stop everything before it starts, exit 2") {
    temp_dir dir;
    const auto config = dir.write(
        "c.json", R"({"jobs": [{"name": "x", "kind": "fetch", "targets": ["http://127.0.0.1:9/"],
                                "schedule": {"cron": "0 0 32 * *"}}]})");
    auto res = run(asyncfetch_cmd({"run", config}));
    CHECK(res.status == 2);
    CHECK(res.err.find("c.json: jobs[0].schedule.cron: field 3 '32' out of range 1-31") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(dir.file("c.runs.jsonl")));

    const auto unscheduled =
        dir.write("u.json", config_of({fetch_job("x", {"http://127.0.0.1:9/"})}));
    res = run(asyncfetch_cmd({"run", unscheduled}));
    CHECK(res.status == 2);
    CHECK(res.err.find("no job has a schedule; use --once") != std::string::npos);
}

TEST_CASE("run --once: ssh, put and get jobs from a config against a real sshd") {
    if (sshd_unavailable()) return;
    sshd_server sshd;
    temp_dir dir;
    const auto host =
        std::string(sshd_server::user()) + "@127.0.0.1:" + std::to_string(sshd.port());
    dir.write("payload.txt", "pushed by a config job\n");
    const auto remote = sshd.remote_scratch() + "/pushed.txt";
    const json by_key{{"identity", sshd.ed25519_key()},
                      {"known_hosts", "known_hosts"},
                      {"agent", false},
                      {"targets", {host}}};
    auto job = [&by_key](json extra) {
        extra.update(by_key);
        return extra.dump();
    };
    json by_password{{"name", "password"},
                     {"kind", "ssh"},
                     {"command", "echo via password"},
                     {"targets", {host}},
                     {"password_env", "AF_TEST_PW"},
                     {"identity", "/nonexistent"},
                     {"known_hosts", "known_hosts"},
                     {"agent", false}};
    const auto config = dir.write(
        "c.json",
        config_of(
            {job({{"name", "hello"}, {"kind", "ssh"}, {"command", "echo hello from $USER"}}),
             job({{"name", "push"},
                  {"kind", "put"},
                  {"source", "payload.txt"},
                  {"destination", remote}}),
             job({{"name", "pull"}, {"kind", "get"}, {"source", remote}, {"destination", "got"}}),
             by_password.dump()}));
    ::setenv("AF_TEST_PW", sshd_server::password(), 1);
    auto res = run(asyncfetch_cmd({"run", config, "--once", "--job", "hello"}), "", 120);
    CHECK_MESSAGE(res.status == 0, res.err);
    auto records = records_of(read_file(dir.file("hello.jsonl")));
    REQUIRE(records.size() == 1);
    CHECK(records[0]["stdout"] == std::string("hello from ") + sshd_server::user() + "\n");

    res = run(asyncfetch_cmd({"run", config, "--once", "--job", "push"}), "", 120);
    CHECK_MESSAGE(res.status == 0, res.err);
    CHECK(read_file(remote) == "pushed by a config job\n");
    res = run(asyncfetch_cmd({"run", config, "--once", "--job", "pull"}), "", 120);
    CHECK_MESSAGE(res.status == 0, res.err);
    // get names each host's directory [USER@]HOST[+PORT] (the user is not the local one).
    CHECK(read_file(dir.file("got/" + std::string(sshd_server::user()) + "@127.0.0.1+" +
                             std::to_string(sshd.port()) + "/pushed.txt")) ==
          "pushed by a config job\n");

    res = run(asyncfetch_cmd({"run", config, "--once", "--job", "password"}), "", 120);
    ::unsetenv("AF_TEST_PW");
    CHECK_MESSAGE(res.status == 0, res.err);
    records = records_of(read_file(dir.file("password.jsonl")));
    REQUIRE(records.size() == 1);
    CHECK(records[0]["stdout"] == "via password\n");
    // The secret is in none of what the run leaves behind.
    for (const auto& text : {res.out, res.err, read_file(dir.file("password.jsonl")),
                             read_file(dir.file("c.runs.jsonl")), read_file(config)})
        CHECK(text.find(sshd_server::password()) == std::string::npos);
    CHECK(count_status(run_log(dir), "hello", "ok") == 1);
    CHECK(count_status(run_log(dir), "pull", "ok") == 1);
}

TEST_CASE("run: {run} numbering goes on after a restart, no run overwrites another's output") {
    testserver::server server;
    temp_dir dir;
    const auto config =
        dir.write("c.json", config_of({fetch_job("n", {server.base_url() + "/bytes/1"},
                                                 R"("output": "out/{job}-{run}.jsonl")")}));
    for (int i = 0; i < 2; ++i) // two scheduler processes, one after the other
        REQUIRE(run(asyncfetch_cmd({"run", config, "--once", "-q"})).status == 0);
    CHECK(fs::exists(dir.file("out/n-1.jsonl")));
    CHECK(fs::exists(dir.file("out/n-2.jsonl")));
    const auto log = run_log(dir);
    REQUIRE(log.size() == 2);
    CHECK(log[0]["run"] == 1);
    CHECK(log[1]["run"] == 2);
}
