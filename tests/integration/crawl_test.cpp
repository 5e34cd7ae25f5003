// `asyncfetch crawl` against a small linked site on the in-process test
// server: cycles, off-host links, robots.txt, non-HTML content, broken links.
#include "asyncfetch/testserver/server.hpp"
#include "tools/common.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

// The site; `robots` is robots.txt's body ("" for none: 404).
testserver::server_options site(const std::string& robots, unsigned robots_status = 200) {
    testserver::server_options o;
    auto& p = o.pages;
    if (!robots.empty() || robots_status != 200)
        p["/robots.txt"] = {robots_status, "text/plain", robots};
    // The port is not known yet: off-host links use another loopback address
    // and a port nothing listens on (out of scope, never fetched).
    p["/"] = {200, "text/html",
              links_to({"/a.html", "b.html", "/private/secret.html", "http://127.0.0.2:9/off.html",
                        "/data.json", "/missing.html", "/a.html#top", "mailto:x@127.0.0.1"})};
    p["/a.html"] = {200, "text/html; charset=utf-8", links_to({"/", "/c.html", "/b.html?x=1"})};
    p["/b.html"] = {200, "text/html", links_to({"/a.html", "./d.html"})};
    p["/b.html?x=1"] = {200, "text/html", links_to({"/b.html"})};
    p["/c.html"] = {200, "text/html", links_to({"/deep1.html"})};
    p["/d.html"] = {200, "text/html", links_to({"/b.html", "/"})};
    p["/deep1.html"] = {200, "text/html", links_to({"/deep2.html"})};
    p["/data.json"] = {200, "application/json", "{\"html\": \"<a href='/from-json.html'>x</a>\"}"};
    p["/private/secret.html"] = {200, "text/html", links_to({})};
    p["/missing.html"] = {404, "text/html", "gone"};
    return o;
}

// Path (and query) of each page request the server saw, robots.txt aside.
std::multiset<std::string> pages_requested(const testserver::server& s) {
    std::multiset<std::string> out;
    for (const auto& r : s.request_log())
        if (r.target != "/robots.txt") out.insert(r.target);
    return out;
}

std::size_t robots_requests(const testserver::server& s) {
    std::size_t n = 0;
    for (const auto& r : s.request_log())
        n += r.target == "/robots.txt";
    return n;
}

std::map<std::string, json> by_path(const std::vector<json>& records, const std::string& base) {
    std::map<std::string, json> out;
    for (const auto& r : records)
        out[r["url"].get<std::string>().substr(base.size())] = r;
    return out;
}

run_result crawl(const std::string& seed, std::vector<std::string> flags) {
    std::vector<std::string> args{"crawl", "-", "-q"};
    args.insert(args.end(), flags.begin(), flags.end());
    return run(asyncfetch_cmd(args), seed + "\n");
}

} // namespace

TEST_CASE("crawl: the exact pages to depth 2, each once, politely, with depth and parent") {
    testserver::server server(site("User-agent: *\nDisallow: /private\nCrawl-delay: 0.2\n"));
    const auto base = server.base_url();
    const auto res = crawl(base + "/", {"--depth", "2"});
    CHECK(res.status == 1); // /missing.html is a 404
    const std::multiset<std::string> want{"/",           "/a.html",       "/b.html",
                                          "/data.json",  "/missing.html", "/c.html",
                                          "/b.html?x=1", "/d.html"};
    CHECK(pages_requested(server) == want);
    CHECK(robots_requests(server) == 1);

    const auto records = by_path(records_of(res.out), base);
    REQUIRE(records.size() == want.size());
    const std::map<std::string, std::pair<int, std::string>> where{
        {"/", {0, ""}},
        {"/a.html", {1, "/"}},
        {"/b.html", {1, "/"}},
        {"/data.json", {1, "/"}},
        {"/missing.html", {1, "/"}},
        {"/c.html", {2, "/a.html"}},
        {"/b.html?x=1", {2, "/a.html"}},
        {"/d.html", {2, "/b.html"}},
    };
    for (const auto& [path, depth_parent] : where) {
        CAPTURE(path);
        const auto& r = records.at(path);
        CHECK(r["depth"] == depth_parent.first);
        if (depth_parent.second.empty())
            CHECK(r["parent"].is_null());
        else
            CHECK(r["parent"] == base + depth_parent.second);
    }
    CHECK(records.at("/missing.html")["status"] == 404);
    CHECK(records.at("/")["links"] == 6);          // http(s) links, each once; mailto: left out
    CHECK(records.at("/data.json")["links"] == 0); // JSON is not parsed for links

    // Crawl-delay 0.2 s: page requests to the host start at least that far
    // apart. The server logs a request when its thread reads it, so one read
    // late under load (175 ms was seen with the whole suite running) shortens
    // the gap after it: each gap is checked at >= 100 ms, the span of all at
    // >= 190 ms a gap. Without the delay the gaps are a few ms.
    std::vector<std::chrono::steady_clock::time_point> starts;
    for (const auto& r : server.request_log())
        if (r.target != "/robots.txt") starts.push_back(r.at);
    REQUIRE(starts.size() == want.size());
    for (std::size_t i = 1; i < starts.size(); ++i)
        CHECK(starts[i] - starts[i - 1] >= std::chrono::milliseconds(100));
    CHECK(starts.back() - starts.front() >=
          std::chrono::milliseconds(190) * static_cast<int>(starts.size() - 1));
    CHECK(res.err.find("links not followed: 1 out of scope") != std::string::npos);
    CHECK(res.err.find("1 refused by robots.txt") != std::string::npos);
}

TEST_CASE("crawl: depth 0 fetches the seeds only, --ignore-robots skips robots.txt") {
    testserver::server server(site("User-agent: *\nDisallow: /private\n"));
    const auto base = server.base_url();
    auto res = crawl(base + "/", {"--depth", "0"});
    CHECK(res.status == 0);
    CHECK(pages_requested(server) == std::multiset<std::string>{"/"});

    testserver::server open_server(site("User-agent: *\nDisallow: /\n"));
    res = crawl(open_server.base_url() + "/", {"--depth", "1", "--ignore-robots"});
    CHECK(robots_requests(open_server) == 0);
    CHECK(pages_requested(open_server).count("/private/secret.html") == 1);
    CHECK(pages_requested(open_server).size() == 6);
}

TEST_CASE("crawl: a seed robots.txt forbids, or an unreachable robots.txt, gives an error record") {
    testserver::server server(site("User-agent: asyncfetch\nDisallow: /\n"));
    auto res = crawl(server.base_url() + "/", {});
    CHECK(res.status == 1);
    auto records = records_of(res.out);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["error"] == "disallowed by robots.txt");
    CHECK(pages_requested(server).empty());

    testserver::server broken(site("oops", 500));
    res = crawl(broken.base_url() + "/", {"--retries", "0"});
    records = records_of(res.out);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["error"].get<std::string>().find("robots.txt unavailable") == 0);
    CHECK(pages_requested(broken).empty());
}

TEST_CASE("crawl: --max-pages caps the pages, --exclude filters, bad seeds are named") {
    testserver::server server(site(""));
    const auto base = server.base_url();
    auto res = crawl(base + "/", {"--depth", "5", "--max-pages", "3"});
    CHECK(pages_requested(server).size() == 3);
    CHECK(records_of(res.out).size() == 3);

    testserver::server filtered(site(""));
    res = crawl(filtered.base_url() + "/", {"--depth", "5", "--exclude", "[bc]\\.html"});
    const auto pages = pages_requested(filtered);
    CHECK(pages.count("/a.html") == 1);
    CHECK(pages.count("/b.html") == 0);
    CHECK(pages.count("/c.html") == 0);

    res = crawl("not a url", {});
    CHECK(res.status == 2);
    CHECK(res.err.find("<stdin>:1: invalid URL 'not a url'") != std::string::npos);
    res = run(asyncfetch_cmd({"crawl", "-", "--scope", "nowhere"}), base + "/\n");
    CHECK(res.status == 2);
    CHECK(res.err.find("unknown scope 'nowhere'") != std::string::npos);
}
