// The real asyncfetch binary against the in-process test server.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <map>
#include <thread>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

TEST_CASE("every input line yields exactly one record, successes and failures alike") {
    testserver::server server;
    const auto base = server.base_url();
    temp_dir dir;
    std::string list = "# a list with comments and blank lines\n\n";
    std::vector<std::string> urls;
    for (int i = 0; i < 120; ++i) {
        const std::string kinds[] = {"/bytes/" + std::to_string(i), "/status/404", "/delay/20ms",
                                     "/gzip/1000"};
        urls.push_back(base + kinds[i % 4] + "?n=" + std::to_string(i));
    }
    urls.push_back("http://127.0.0.1:1/refused"); // nothing listens on port 1
    for (auto& u : urls)
        list += u + "\n";
    const auto file = dir.write("urls.txt", list);

    auto r = run(asyncfetch_cmd({file, "-q", "-c", "50", "--retries", "0"}));
    CHECK(r.status == 1); // some failed
    auto records = records_of(r.out);
    CHECK(records.size() == urls.size());
    auto seen = records_by_url(records);
    CHECK(seen.size() == urls.size()); // each URL exactly once
    for (const auto& u : urls)
        REQUIRE(seen.count(u) == 1);

    const auto& first = seen[urls[0]];
    CHECK(first["status"] == 200);
    CHECK(first["error"].is_null());
    CHECK(first["attempts"] == 1);
    CHECK(first.contains("elapsed_ms"));
    CHECK(first["final_url"] == urls[0]);
    CHECK(seen[urls[1]]["status"] == 404);
    CHECK(seen[urls[1]]["error"] == "http: status 404 Not Found");
    CHECK(seen[urls[3]]["bytes"] == 1000);
    CHECK(seen[urls.back()]["status"].is_null());
    CHECK(seen[urls.back()]["error"].get<std::string>().find("refused") != std::string::npos);
    // The summary on stderr counts the same.
    CHECK_MESSAGE(r.err.find("121 targets: 90 ok, 31 failed, 0 cancelled") != std::string::npos,
                  r.err);
}

TEST_CASE("all targets fine: exit 0, -o writes records to the file, not stdout") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", server.base_url() + "/bytes/10\n" + server.base_url() +
                                                "/redirect/2\n");
    const auto out = dir.file("out.jsonl");
    auto r = run(asyncfetch_cmd({"fetch", file, "-o", out}));
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    auto records = records_of(run({"cat", out}).out);
    CHECK(records.size() == 2);
    // gevent-demo style console lines on stderr.
    CHECK(r.err.find("GET: " + server.base_url() + "/bytes/10") != std::string::npos);
    CHECK(r.err.find("10 bytes received from " + server.base_url() + "/bytes/10") !=
          std::string::npos);
}

TEST_CASE("URLs from stdin with '-'") {
    testserver::server server;
    auto r = run(asyncfetch_cmd({"-", "-q"}),
                 server.base_url() + "/bytes/1\n" + server.base_url() + "/bytes/2\n");
    CHECK(r.status == 0);
    CHECK(records_of(r.out).size() == 2);
}

TEST_CASE(
    "a malformed line stops the run before anything is fetched: file, line and problem, exit 2") {
    testserver::server server;
    temp_dir dir;
    const auto file =
        dir.write("urls.txt", server.base_url() + "/bytes/1\n# note\nhtp//broken\nftp://x/\n");
    auto r = run(asyncfetch_cmd({file}));
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(file + ":3: invalid URL 'htp//broken'") != std::string::npos);
    CHECK(r.err.find(file + ":4: invalid URL 'ftp://x/': unsupported scheme 'ftp'") !=
          std::string::npos);
    CHECK(server.requests_served() == 0);
}

TEST_CASE("--keep-going turns malformed lines into error records and fetches the rest") {
    testserver::server server;
    temp_dir dir;
    const auto good = server.base_url() + "/bytes/1";
    const auto file = dir.write("urls.txt", good + "\nnot a url\n");
    auto r = run(asyncfetch_cmd({file, "--keep-going", "-q"}));
    CHECK(r.status == 1);
    auto seen = records_by_url(records_of(r.out));
    REQUIRE(seen.size() == 2);
    CHECK(seen[good]["status"] == 200);
    CHECK(seen["not a url"]["error"].get<std::string>().find("line 2: invalid URL") == 0);
}

TEST_CASE("usage errors exit 2, --help and --version exit 0") {
    CHECK(run(asyncfetch_cmd({"--no-such-flag", "x"})).status == 2);
    CHECK(run(asyncfetch_cmd({"fetch"})).status == 2);
    CHECK(run(asyncfetch_cmd({"x.txt", "-c", "0"})).status == 2);
    CHECK(run(asyncfetch_cmd({"x.txt", "--serial", "--compare"})).status == 2);
    CHECK(run(asyncfetch_cmd({"x.txt", "-H", "NoColon"})).status == 2);
    auto missing = run(asyncfetch_cmd({"/nonexistent/urls.txt"}));
    CHECK(missing.status == 2);
    CHECK(missing.err.find("/nonexistent/urls.txt: cannot open") != std::string::npos);
    auto help = run(asyncfetch_cmd({"fetch", "--help"}));
    CHECK(help.status == 0);
    CHECK(help.out.find("--concurrency") != std::string::npos);
    auto version = run(asyncfetch_cmd({"--version"}));
    CHECK(version.status == 0);
    CHECK(version.out.find("asyncfetch 0.") != std::string::npos);
}

TEST_CASE("--compare prints both costs and a speedup that reflects the concurrency") {
    testserver::server server;
    temp_dir dir;
    std::string list;
    for (int i = 0; i < 10; ++i)
        list += server.base_url() + "/delay/100ms?i=" + std::to_string(i) + "\n";
    const auto file = dir.write("urls.txt", list);
    auto r = run(asyncfetch_cmd({file, "--compare", "-q", "--per-host", "0"}));
    CHECK(r.status == 0);
    CHECK(records_of(r.out).size() == 10); // records of the concurrent pass only
    double serial = 0, concurrent = 0, speedup = 0;
    const auto at = r.err.find("serial cost");
    REQUIRE(at != std::string::npos);
    REQUIRE(std::sscanf(r.err.c_str() + at,
                        "serial cost %lf s\nconcurrent cost %lf s (-c 100)\nspeedup %lf x", &serial,
                        &concurrent, &speedup) == 3);
    CHECK(serial >= 1.0);    // 10 x 100 ms one after another
    CHECK(concurrent < 0.9); // all at once
    CHECK(speedup > 1.5);
}

TEST_CASE("Ctrl-C: finished records are flushed, the rest are cancelled, exit 130") {
    testserver::server server;
    temp_dir dir;
    std::string list;
    for (int i = 0; i < 5; ++i)
        list += server.base_url() + "/bytes/" + std::to_string(i + 1) + "\n";
    for (int i = 0; i < 20; ++i)
        list += server.base_url() + "/delay/30s?i=" + std::to_string(i) + "\n";
    const auto file = dir.write("urls.txt", list);
    const auto out = dir.file("out.jsonl");
    child c(asyncfetch_cmd({file, "-q", "--per-host", "0", "-o", out}));
    // Wait until the quick ones are served (a sanitizer build on a loaded machine can take a
    // second to start), then interrupt.
    for (int i = 0; i < 3000 && server.requests_served() < 25; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto start = std::chrono::steady_clock::now();
    c.signal(SIGINT);
    auto r = c.wait(20);
    CHECK(r.status == 130);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    auto records = records_of(run({"cat", out}).out);
    REQUIRE(records.size() == 25);
    int ok = 0, cancelled = 0;
    for (auto& rec : records) {
        if (rec["error"].is_null())
            ++ok;
        else if (rec["error"] == "cancelled")
            ++cancelled;
    }
    CHECK(ok == 5);
    CHECK(cancelled == 20);
    CHECK(r.err.find("interrupted") != std::string::npos);
}

TEST_CASE("https through the CLI: --cacert verifies, -k/--insecure skips, default refuses") {
    tls_files files;
    make_test_ca(files);
    testserver::server_options o;
    o.cert_file = files.server_cert();
    o.key_file = files.server_key();
    testserver::server server(o);
    temp_dir dir;
    const auto by_name =
        dir.write("a.txt", "https://localhost:" + std::to_string(server.port()) + "/bytes/5\n");
    const auto by_ip =
        dir.write("b.txt", "https://127.0.0.1:" + std::to_string(server.port()) + "/bytes/5\n");
    CHECK(run(asyncfetch_cmd({by_name, "-q", "--cacert", files.ca_cert()})).status == 0);
    CHECK(run(asyncfetch_cmd({by_name, "-q", "--retries", "0"})).status == 1);
    CHECK(run(asyncfetch_cmd({by_ip, "-q", "--cacert", files.ca_cert()})).status == 1);
    CHECK(run(asyncfetch_cmd({by_ip, "-q", "--insecure"})).status == 0);
}

TEST_CASE("asyncfetch demo runs end to end on its embedded server") {
    auto r = run(asyncfetch_cmd({"demo", "-q", "-n", "10"}));
    CHECK(r.status == 0);
    CHECK(r.err.find("serial cost") != std::string::npos);
    CHECK(r.err.find("speedup") != std::string::npos);
    CHECK(r.err.find("10 targets: 10 ok, 0 failed") != std::string::npos);
    // Part 2, the crawl: 40 site pages and the text file, /private/ kept out by robots.txt.
    CHECK(r.err.find("41 targets: 41 ok, 0 failed") != std::string::npos);
    CHECK(r.err.find("13 refused by robots.txt") != std::string::npos); // from pages 0-12
}

TEST_CASE("a directory as the URL list or hosts file is exit 2 with a message, not 0 targets") {
    temp_dir dir;
    auto r = run(asyncfetch_cmd({dir.path(), "-q"}));
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find(dir.path() + ": is a directory") != std::string::npos, r.err);
    r = run(asyncfetch_cmd({"ssh", dir.path(), "-q", "--", "true"}));
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find(dir.path() + ": is a directory") != std::string::npos, r.err);
}

TEST_CASE("a hostile input line cannot put raw control characters on the terminal") {
    temp_dir dir;
    const auto list = dir.write("urls.txt", "\xEF\xBB\xBFhttp://127.0.0.1:1/ok\n"
                                            "\x1b]0;owned\x07\x1b[2Jnot-a-url\n");
    const auto r = run(asyncfetch_cmd({list, "-q"}));
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find(list + ":2: ") != std::string::npos, r.err);
    CHECK(r.err.find(":1:") == std::string::npos); // the BOM line is a fine URL
    CHECK(r.err.find('\x1b') == std::string::npos);
    CHECK(r.err.find('\x07') == std::string::npos);
    CHECK(r.err.find("\\x1b]0;owned\\x07") != std::string::npos);
}
