#include "asyncfetch/schedule/config.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

using namespace asyncfetch;
using namespace asyncfetch::schedule;
using asyncfetch::testing::temp_dir;

namespace {

// Loads a config written to a temp dir; returns the problems, one per line.
std::string problems_of(const temp_dir& dir, const std::string& text) {
    const auto path = dir.path() + "/c.json";
    std::ofstream(path) << text;
    auto loaded = load_config(path);
    std::string out;
    for (const auto& p : loaded.problems)
        out += p + "\n";
    CHECK(loaded.value.has_value() == loaded.problems.empty());
    return out;
}

// A config with one job made of a fetch job's basics plus `extra` keys.
std::string one_job(const std::string& extra,
                    const std::string& basics =
                        R"("name": "j", "kind": "fetch", "targets": ["http://127.0.0.1/"])") {
    return R"({"jobs": [{)" + basics + (extra.empty() ? "" : ", " + extra) + "}]}";
}

} // namespace

TEST_CASE("config: a valid config loads with its defaults and paths") {
    temp_dir dir;
    std::ofstream(dir.path() + "/urls.txt") << "http://127.0.0.1:8/a\n# comment\n";
    const auto path = dir.path() + "/c.json";
    std::ofstream(path) << R"({
        // comments are allowed
        "run_log": "logs/runs.jsonl",
        "jobs": [
          {"name": "news", "kind": "crawl", "targets": "urls.txt", "depth": 2,
           "scope": "same-domain", "delay": "500ms", "exclude": ["\\.pdf$"],
           "schedule": {"cron": "*/15 * * * *", "jitter": 30, "timezone": "local", "overlap": "queue"},
           "output": "out/{job}-{time}.jsonl", "concurrency": 20, "per_host": 2,
           "timeout": "45s", "headers": {"Accept": "text/html"}, "max_body": "1M"},
          {"name": "uptime", "kind": "ssh", "targets": ["127.0.0.1:2222"], "command": "uptime",
           "user": "ops", "identity": "keys/id_ed25519", "schedule": {"every": "90s"}, "processes": 2}
        ]})";
    auto loaded = load_config(path);
    REQUIRE_MESSAGE(loaded.value, loaded.problems.front());
    const auto& c = *loaded.value;
    CHECK(c.run_log == dir.path() + "/logs/runs.jsonl");
    REQUIRE(c.jobs.size() == 2);
    const auto& news = c.jobs[0];
    CHECK(news.type == job_type::crawl);
    CHECK(news.targets_file == dir.path() + "/urls.txt");
    CHECK(news.crawl.depth == 2);
    CHECK(news.crawl.scope.kind == crawl::scope_kind::same_domain);
    CHECK(news.crawl.delay == std::chrono::milliseconds(500));
    CHECK(news.schedule->cron->text() == "*/15 * * * *");
    CHECK(news.schedule->jitter == std::chrono::seconds(30));
    CHECK(news.schedule->zone == time_zone::local);
    CHECK(news.schedule->overlap == overlap_policy::queue);
    CHECK(news.output == dir.path() + "/out/{job}-{time}.jsonl");
    CHECK(news.run.concurrency == 20);
    CHECK(news.client.per_host == 2);
    CHECK(news.client.limits.request == std::chrono::seconds(45));
    CHECK(news.client.max_body == 1u << 20);
    CHECK(news.client.headers.size() == 1);
    const auto& up = c.jobs[1];
    CHECK(up.exec.command == "uptime");
    CHECK(up.exec.ssh.default_user == "ops");
    CHECK(up.exec.ssh.session.auth.identity_files ==
          std::vector<std::string>{dir.path() + "/keys/id_ed25519"});
    CHECK(up.schedule->every == std::chrono::seconds(90));
    CHECK(up.run.processes == 2);
    CHECK(up.output == dir.path() + "/{job}.jsonl"); // expanded for each run
    CHECK(read_job_targets(c, news).input.targets.size() == 1);
}

TEST_CASE("config: each kind of mistake is named by its JSON path") {
    temp_dir dir;
    const std::vector<std::pair<std::string, std::string>> cases{
        // Syntax: file, line and column.
        {"{\n  \"jobs\": [\n    {\"name\": }\n]}", "c.json:3:14: syntax error"},
        // Shape.
        {"[]", "(top): expected an object with \"jobs\", got array []"},
        {R"({"jobs": []})", "jobs: expected a non-empty array of jobs"},
        {R"({"jobs": [1]})", "jobs[0]: expected an object, got number 1"},
        {R"({"jobs": [{"kind": "fetch", "targets": []}]})", "jobs[0]: missing \"name\""},
        {R"({"job": []})", "(top): unknown key 'job' (use jobs, run_log)"},
        // Keys and types.
        {one_job(R"("concurency": 5)"), "jobs[0]: unknown key 'concurency' for a fetch job"},
        {one_job(R"("depth": 2)"), "jobs[0]: unknown key 'depth' for a fetch job"},
        {one_job(R"("concurrency": "ten")"),
         "jobs[0].concurrency: expected an integer 1-1000000, got string \"ten\""},
        {one_job(R"("concurrency": 0)"), "jobs[0].concurrency: 0 out of range 1-1000000"},
        {one_job(R"("insecure": "yes")"), "jobs[0].insecure: expected true or false, got string"},
        {one_job(R"("timeout": "soon")"), "jobs[0].timeout: 'soon' is not a duration"},
        {one_job(R"("max_body": "5T")"), "jobs[0].max_body: unknown size unit 'T'"},
        {one_job(R"("headers": ["Accept: x"])"), "jobs[0].headers: expected an object"},
        {one_job(R"("output": "{name}.jsonl")"),
         "jobs[0].output: unknown placeholder '{name}' (use {job}, {time} and {run})"},
        {one_job("", R"("name": "a b", "kind": "fetch", "targets": [])"),
         "jobs[0].name: 'a b' may use only letters, digits, '.', '_', '-'"},
        {one_job("", R"("name": "j", "kind": "scrape", "targets": [])"),
         "jobs[0].kind: 'scrape' is not fetch, crawl, ssh, put, get or local"},
        {R"({"jobs": [{"name": "j", "kind": "fetch", "targets": []},
                      {"name": "j", "kind": "fetch", "targets": []}]})",
         "jobs[1].name: 'j' is already the name of another job"},
        // Targets.
        {one_job("",
                 R"("name": "j", "kind": "fetch", "targets": ["http://127.0.0.1/", "ftp://x/"])"),
         "jobs[0].targets[1]: invalid URL 'ftp://x/': unsupported scheme 'ftp'"},
        {one_job("", R"("name": "j", "kind": "fetch", "targets": "missing.txt")"),
         "cannot open: No such file or directory (jobs[0].targets)"},
        {one_job("", R"("name": "j", "kind": "ssh", "command": "true", "targets": ["@host"])"),
         "jobs[0].targets[0]: unknown group '@host' (no groups file was read)"},
        {one_job("", R"("name": "j", "kind": "ssh", "targets": ["127.0.0.1"])"),
         "jobs[0]: missing \"command\""},
        // Schedules.
        {one_job(R"("schedule": {"cron": "0 0 32 * *"})"),
         "jobs[0].schedule.cron: field 3 '32' out of range 1-31"},
        {one_job(R"("schedule": {"cron": "0 0 30 2 *"})"),
         "jobs[0].schedule.cron: '0 0 30 2 *' never fires"},
        {one_job(R"("schedule": {"cron": "* * * *"})"), "jobs[0].schedule.cron: expected 5 fields"},
        {one_job(R"("schedule": {"cron": "@hourly", "every": "1m"})"),
         "jobs[0].schedule: give exactly one of \"cron\" and \"every\""},
        {one_job(R"("schedule": {"every": "500ms"})"),
         "jobs[0].schedule.every: must be at least 1s"},
        {one_job(R"("schedule": {"every": "10s", "jitter": "10s"})"),
         "jobs[0].schedule.jitter: must be shorter than every"},
        {one_job(R"("schedule": {"every": "1m", "timezone": "Europe/Paris"})"),
         "jobs[0].schedule.timezone: 'Europe/Paris' is not UTC or local"},
        {one_job(R"("schedule": {"every": "1m", "overlap": "double"})"),
         "jobs[0].schedule.overlap: 'double' is not skip or queue"},
        {one_job(R"("schedule": {"every": "1m", "at": "noon"})"),
         "jobs[0].schedule: unknown key 'at'"},
        // Kind-specific values.
        {one_job("", R"("name": "j", "kind": "crawl", "targets": [], "scope": "web")"),
         "jobs[0].scope: unknown scope 'web'"},
        {one_job("", R"("name": "j", "kind": "crawl", "targets": [], "include": ["("])"),
         "jobs[0].include[0]: invalid regex '('"},
        {one_job("", R"("name": "j", "kind": "crawl", "targets": [], "processes": 2)"),
         "jobs[0]: unknown key 'processes' for a crawl job"},
        {one_job("", R"("name": "j", "kind": "ssh", "command": "true", "targets": [],
                        "password_env": "ASYNCFETCH_SURELY_UNSET")"),
         "jobs[0].password_env: environment variable ASYNCFETCH_SURELY_UNSET is not set"},
        {one_job("", R"("name": "j", "kind": "ssh", "command": "true", "targets": [],
                        "host_key_policy": "trusting")"),
         "jobs[0].host_key_policy: 'trusting' is not strict, accept-new or off"},
        {one_job("", R"("name": "j", "kind": "ssh", "command": "true", "targets": [],
                        "jump": "gw,,b")"),
         "jobs[0].jump: jump host '': "},
        {one_job("", R"("name": "j", "kind": "put", "targets": [], "source": "a")"),
         "jobs[0]: missing \"destination\""},
    };
    for (const auto& [text, expected] : cases) {
        CAPTURE(text);
        const auto problems = problems_of(dir, text);
        CHECK_MESSAGE(problems.find(expected) != std::string::npos, problems);
    }
}

TEST_CASE("config: an SSH job's jump key is -J's list") {
    temp_dir dir;
    const auto path = dir.path() + "/c.json";
    std::ofstream(path) << R"({"jobs": [
        {"name": "a", "kind": "ssh", "command": "true", "targets": [], "jump": "ops@gw:2200,inner"},
        {"name": "b", "kind": "ssh", "command": "true", "targets": [], "jump": "none"},
        {"name": "c", "kind": "ssh", "command": "true", "targets": []}]})";
    auto loaded = load_config(path);
    REQUIRE(loaded.value);
    const auto& a = loaded.value->jobs[0].exec.ssh.jump;
    REQUIRE(a);
    REQUIRE(a->size() == 2);
    CHECK((*a)[0].display() == "ops@gw:2200");
    REQUIRE(loaded.value->jobs[1].exec.ssh.jump);
    CHECK(loaded.value->jobs[1].exec.ssh.jump->empty());
    CHECK(!loaded.value->jobs[2].exec.ssh.jump);
}

TEST_CASE("config: a fetch job has no per-host limit by default, a crawl job a polite one") {
    temp_dir dir;
    const auto path = dir.path() + "/c.json";
    std::ofstream(path) << R"({"jobs": [
        {"name": "f", "kind": "fetch", "targets": ["http://127.0.0.1/"]},
        {"name": "c", "kind": "crawl", "targets": ["http://127.0.0.1/"]},
        {"name": "c2", "kind": "crawl", "targets": ["http://127.0.0.1/"], "per_host": 0}]})";
    auto loaded = load_config(path);
    REQUIRE(loaded.value);
    CHECK(loaded.value->jobs[0].client.per_host == 0);
    CHECK(loaded.value->jobs[1].client.per_host == crawl::polite_per_host);
    CHECK(loaded.value->jobs[2].client.per_host == 0);
}

TEST_CASE("config: nesting 100,000 deep is refused at parse time, not a stack overflow") {
    temp_dir dir;
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(problems_of(dir, deep) ==
          dir.path() + "/c.json: objects and arrays nested more than 32 deep\n");
    const std::string deep_job =
        one_job(R"("x": )" + std::string(100000, '[') + std::string(100000, ']'));
    CHECK(problems_of(dir, deep_job).find("nested more than 32 deep") != std::string::npos);
}

TEST_CASE("config: an overflowing duration is too large, control characters are escaped") {
    temp_dir dir;
    CHECK(problems_of(dir, one_job(R"("schedule": {"every": "99999999999999999999d"})"))
              .find("jobs[0].schedule.every: '99999999999999999999d' is too large (at most "
                    "3650d)") != std::string::npos);
    CHECK(problems_of(dir, one_job(R"("timeout": 1e300)"))
              .find("jobs[0].timeout: '1e+300' is too large") != std::string::npos);
    const auto text = problems_of(dir, one_job(R"("output": "{\u001b[2J}")"));
    CHECK(text.find("\\x1b[2J") != std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("config: two jobs whose outputs can name the same file are refused, both paths named") {
    temp_dir dir;
    const std::string a = R"({"name": "a", "kind": "fetch", "targets": ["http://127.0.0.1/"], )";
    const std::string b = R"({"name": "b", "kind": "fetch", "targets": ["http://127.0.0.1/"], )";
    auto text = problems_of(dir, R"({"jobs": [)" + a + R"("output": "out/{run}.jsonl"}, )" + b +
                                     R"("output": "out/7.jsonl"}]})");
    CHECK_MESSAGE(text.find("jobs[1].output: can name the same file as jobs[0].output") !=
                      std::string::npos,
                  text);
    text = problems_of(dir, R"({"jobs": [)" + a + R"("output": "x.jsonl"}, )" + b +
                                R"("output": "./x.jsonl"}]})");
    CHECK(text.find("jobs[1].output: can name the same file as jobs[0].output") !=
          std::string::npos);
    text = problems_of(dir, R"({"jobs": [)" + a + R"("output": "c.runs.jsonl"}]})");
    CHECK(text.find("jobs[0].output: can name the run log") != std::string::npos);
    // Each job's default, {job}.jsonl, is its own.
    CHECK(problems_of(dir, R"({"jobs": [)" + a.substr(0, a.size() - 2) + "}, " +
                               b.substr(0, b.size() - 2) + "}]}") == "");
}

// Found by tests/fuzz/config: nlohmann_json throws out_of_range, not
// parse_error, for a number beyond a double, and it escaped load_config.
TEST_CASE("config: a number too large for JSON is a problem, not an exception") {
    temp_dir dir;
    CHECK(problems_of(dir, R"({"jobs": [{"name": "j", "concurrency": 5e9999}]})") ==
          dir.path() + "/c.json: number overflow parsing '5e9999'\n");
}

TEST_CASE("config: an ssh job's pty and sudo keys, the sudo password from the environment") {
    temp_dir dir;
    const std::string ssh_basics =
        R"("name": "j", "kind": "ssh", "targets": ["h1"], "command": "uptime")";
    ::setenv("AF_TEST_SUDO_PW", "s3cret", 1);
    const auto path = dir.path() + "/c.json";
    std::ofstream(path) << one_job(
        R"("pty": true, "sudo_user": "web", "sudo_password_env": "AF_TEST_SUDO_PW")", ssh_basics);
    auto loaded = load_config(path);
    REQUIRE(loaded.value);
    const auto& exec = loaded.value->jobs.at(0).exec;
    CHECK(exec.pty);
    CHECK(exec.sudo);
    CHECK(exec.sudo_user == "web");
    CHECK(exec.sudo_password == "s3cret");
    CHECK(problems_of(dir, one_job(R"("sudo_password_env": "AF_TEST_SUDO_PW")", ssh_basics))
              .find("jobs[0]: a sudo password needs \"sudo\": true") != std::string::npos);
    CHECK(problems_of(dir, one_job(R"("sudo_password_env": "AF_NOT_SET_ANYWHERE")", ssh_basics))
              .find("jobs[0].sudo_password_env: ") != std::string::npos);
    CHECK(problems_of(dir, one_job(R"("pty": true)")).find("unknown key 'pty'") !=
          std::string::npos);
}

TEST_CASE("config: stop-early keys and host ranges in an ssh job") {
    temp_dir dir;
    const auto path = dir.path() + "/c.json";
    std::ofstream(path) << R"({"jobs": [{"name": "j", "kind": "ssh", "command": "true",
        "targets": ["web[01-03]", "root@db[1-2]:2222"], "max_failures": 2,
        "on_failure": "cancel"}]})";
    auto loaded = load_config(path);
    REQUIRE(loaded.value);
    const auto& job = loaded.value->jobs.at(0);
    CHECK(job.run.max_failures == 2);
    CHECK(job.run.on_failure == on_failure_limit::cancel);
    const auto targets = read_job_targets(*loaded.value, job);
    REQUIRE(targets.input.targets.size() == 5);
    CHECK(targets.input.targets[3].text == "root@db1:2222");
    CHECK(targets.input.targets[3].line == 2);

    CHECK(problems_of(dir, one_job(R"("fail_fast": true, "max_failures": 3)")) ==
          path + ": jobs[0].fail_fast: give fail_fast or max_failures, not both\n");
    CHECK(problems_of(dir, one_job(R"("on_failure": "stop")")) ==
          path + ": jobs[0].on_failure: 'stop' is not finish or cancel\n");
    CHECK(problems_of(dir, one_job("", R"("name": "j", "kind": "ssh", "command": "true",
        "targets": ["web[3-1]"])")) ==
          path + ": jobs[0].targets[0]: range '3-1' goes down (write 1-3)\n");
}

TEST_CASE("config: put and get jobs take update, checksum and resume") {
    temp_dir dir;
    const auto path = dir.path() + "/c.json";
    std::ofstream(path) << R"({"jobs": [
        {"name": "push", "kind": "put", "targets": ["127.0.0.1"], "source": "conf",
         "destination": "/etc/app", "recursive": true, "update": true, "resume": true},
        {"name": "pull", "kind": "get", "targets": ["127.0.0.1"], "source": "/var/log/app",
         "destination": "logs", "checksum": true}]})";
    auto loaded = load_config(path);
    REQUIRE_MESSAGE(loaded.value, loaded.problems.front());
    const auto& push = loaded.value->jobs[0].transfer;
    CHECK(push.update);
    CHECK(push.resume);
    CHECK_FALSE(push.checksum);
    const auto& pull = loaded.value->jobs[1].transfer;
    CHECK(pull.checksum);
    CHECK_FALSE(pull.update);
    const auto wrong = problems_of(dir, one_job("", R"("name": "j", "kind": "put", "targets": [],
        "source": "a", "destination": "b", "update": "yes")"));
    CHECK_MESSAGE(wrong.find("jobs[0].update: expected true or false") != std::string::npos, wrong);
}
