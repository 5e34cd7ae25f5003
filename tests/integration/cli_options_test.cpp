// One options vocabulary: every flag is read by the parser next to its type
// (the one the JSON config calls), so durations read "90s" on the command
// line too, a count out of range is a usage error that says the bound, and
// no short flag means two things, through the real binary.
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::testing;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A URL list with no URL: a run that parses its flags and has nothing to do.
std::string empty_list(const temp_dir& dir) {
    return dir.write("urls.txt", "# none\n");
}

} // namespace

TEST_CASE("fetch and crawl take durations as in a config: 90s, 1.5s, 200ms, or plain seconds") {
    temp_dir dir;
    const auto urls = empty_list(dir);
    const auto r =
        run(asyncfetch_cmd({"fetch", urls, "-q", "--timeout", "1.5s", "--connect-timeout", "200ms",
                            "--resolve-timeout", "2", "--tls-timeout", "1m"}));
    CHECK(r.status == 0);
    CHECK(r.err.find("--timeout") == std::string::npos);
    const auto crawl = run(asyncfetch_cmd({"crawl", urls, "-q", "--delay", "250ms"}));
    CHECK(crawl.status == 0);
    const auto bad = run(asyncfetch_cmd({"fetch", urls, "--timeout", "5w"}));
    CHECK(bad.status == 2);
    CHECK(has(bad.err, "--timeout: '5w' is not a duration (unknown unit 'w'"));
}

TEST_CASE("a negative count or duration is exit 2 with the bound, never DBL_MAX in full") {
    temp_dir dir;
    const auto urls = empty_list(dir);
    const std::vector<std::vector<std::string>> cases = {
        {"fetch", urls, "--per-host", "-1"},
        {"fetch", urls, "--retries", "-5"},
        {"fetch", urls, "--max-redirects", "-1"},
        {"crawl", urls, "--max-pages", "-1"},
        {"fetch", urls, "--timeout", "-1"},
        {"fetch", urls, "--timeout", "0"},
        {"crawl", urls, "--delay", "-1"},
        {"fetch", urls, "-c", "0"},
        {"worker", "redis://127.0.0.1:1/j", "--retries", "-5"}};
    const std::vector<std::string> says = {
        "--per-host: must be at least 0, got -1",      "--retries: must be at least 0, got -5",
        "--max-redirects: must be at least 0, got -1", "--max-pages: must be at least 0, got -1",
        "--timeout: must be more than 0 seconds",      "--timeout: must be more than 0 seconds",
        "--delay: must be at least 0, got '-1'",       "--concurrency: must be at least 1, got 0",
        "--retries: must be at least 0, got -5"};
    for (std::size_t i = 0; i < cases.size(); ++i) {
        CAPTURE(cases[i][2]);
        const auto r = run(asyncfetch_cmd(cases[i]));
        CHECK(r.status == 2);
        CHECK(has(r.err, says[i]));
        CHECK_FALSE(has(r.err, "179769313486231")); // DBL_MAX written out
    }
    const auto too_many = run(asyncfetch_cmd({"fetch", urls, "--retries", "101"}));
    CHECK(too_many.status == 2);
    CHECK(has(too_many.err, "--retries: must be at most 100, got 101"));
}

TEST_CASE("-A is the user agent only: ssh's password prompt is --ask-password") {
    const auto fetch_help = run(asyncfetch_cmd({"fetch", "--help"}));
    CHECK(has(fetch_help.out, "-A,--user-agent"));
    for (const char* cmd : {"ssh", "put", "get", "worker"}) {
        CAPTURE(cmd);
        const auto help = run(asyncfetch_cmd({cmd, "--help"}));
        CHECK(help.status == 0);
        CHECK(has(help.out, "--ask-password"));
        CHECK_FALSE(has(help.out, "-A,"));
        // --askpass is --ask-password plus the other prompts (a one-time code).
        CHECK(has(help.out, "--askpass"));
    }
    // The old spelling still prompts, for one release, and says what replaces it.
    temp_dir dir;
    const auto hosts = dir.write("hosts.txt", "127.0.0.1:1\n");
    const auto old = run({"setsid", "-w", ASYNCFETCH_BINARY, "ssh", hosts, "-A", "--", "true"});
    CHECK(old.status == 2);
    CHECK(has(old.err, "-A is now --ask-password"));
    CHECK(has(old.err, "cannot prompt for a secret: no terminal"));
}

TEST_CASE("ssh, put and get: the time limit is --timeout, -t stays a hidden alias (not a pty)") {
    for (const char* cmd : {"ssh", "put", "get"}) {
        CAPTURE(cmd);
        const auto help = run(asyncfetch_cmd({cmd, "--help"}));
        CHECK(has(help.out, "--timeout"));
        CHECK_FALSE(has(help.out, "-t,"));
    }
    temp_dir dir;
    const auto hosts = dir.write("hosts.txt", "127.0.0.1:1\n");
    const auto old = run(asyncfetch_cmd({"ssh", hosts, "-q", "-t", "abc", "--", "true"}));
    CHECK(old.status == 2);
    CHECK(has(old.err, "-t: 'abc' is not a duration"));
    const auto ok = run(asyncfetch_cmd(
        {"ssh", hosts, "-q", "--connect-timeout", "200ms", "-t", "2s", "--", "true"}));
    CHECK(ok.status == 1); // nothing listens on port 1: one error record
    CHECK(has(ok.err, "-t is now --timeout"));
}

TEST_CASE("worker: --timeout is the request attempt's, --command-timeout the SSH command's") {
    const auto help = run(asyncfetch_cmd({"worker", "--help"}));
    CHECK(has(help.out, "--command-timeout"));
    const auto bad = run(asyncfetch_cmd(
        {"worker", "redis://127.0.0.1:1/j", "--ssh", "--command-timeout", "abc", "--", "true"}));
    CHECK(bad.status == 2);
    CHECK(has(bad.err, "--command-timeout: 'abc' is not a duration"));
    const auto zero = run(asyncfetch_cmd({"worker", "redis://127.0.0.1:1/j", "--timeout", "0"}));
    CHECK(zero.status == 2);
    CHECK(has(zero.err, "--timeout: must be more than 0 seconds"));
}

TEST_CASE("-J/--jump is in the help of every SSH command and refuses a malformed hop list") {
    for (const char* cmd : {"ssh", "put", "get", "worker"}) {
        CAPTURE(cmd);
        const auto help = run(asyncfetch_cmd({cmd, "--help"}));
        CHECK(help.status == 0);
        CHECK(has(help.out, "-J,--jump"));
    }
    temp_dir dir;
    const auto hosts = dir.write("hosts.txt", "127.0.0.1:1\n");
    const auto bad = run(asyncfetch_cmd({"ssh", hosts, "-J", "gw,,b", "--", "true"}));
    CHECK(bad.status == 2);
    CHECK(has(bad.err, "--jump: "));
    CHECK(has(bad.err, "jump host ''"));
}
