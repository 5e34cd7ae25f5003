// `asyncfetch crawl --state DIR` killed with SIGKILL mid-crawl and started
// again with the same DIR: the resumed run's output holds every page of an
// uninterrupted crawl exactly once, and only pages in flight at the kill are
// fetched twice. The same for a crawl job in a JSON config.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

// "/" links to /p0../p9, each of those to ten more: 111 pages at depth 2.
testserver::server_options tree_site() {
    testserver::server_options o;
    auto page = [](const std::string& prefix, bool leaf) {
        std::string html = "<!doctype html><title>" + prefix + "</title>";
        if (!leaf)
            for (int i = 0; i < 10; ++i)
                html += "<a href='/p" + prefix + std::to_string(i) + "'>x</a>";
        return html;
    };
    o.pages["/"] = {200, "text/html", page("", false)};
    for (int i = 0; i < 10; ++i) {
        const auto a = std::to_string(i);
        o.pages["/p" + a] = {200, "text/html", page(a, false)};
        for (int j = 0; j < 10; ++j)
            o.pages["/p" + a + std::to_string(j)] = {200, "text/html", page("", true)};
    }
    return o;
}

// Waits (5 s at most) until the state holds `n` done pages.
bool wait_for_records(const std::string& path, std::size_t n) {
    for (int i = 0; i < 500 && lines_in(path) < n; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return lines_in(path) >= n;
}

} // namespace

TEST_CASE("crawl --state: SIGKILL mid-crawl, then the same --state finishes the same pages") {
    // A Crawl-delay spreads the 111 pages over about 2 s.
    auto site = tree_site();
    site.pages["/robots.txt"] = {200, "text/plain", "User-agent: *\nCrawl-delay: 0.02\n"};
    testserver::server whole(site);
    const auto reference =
        run(asyncfetch_cmd({"crawl", "-", "-q", "-d", "2"}), whole.base_url() + "/\n");
    const auto want = paths_of(reference.out, whole.base_url());
    REQUIRE(want.size() == 111);

    testserver::server server(site);
    const auto base = server.base_url();
    temp_dir dir;
    const auto seeds = dir.write("seeds.txt", base + "/\n");
    const auto state = dir.file("state");
    const std::vector<std::string> args{"crawl", seeds, "-q", "-d", "2", "--state", state};
    {
        auto first_args = args;
        first_args.insert(first_args.end(), {"-o", dir.file("first.jsonl")});
        child first(asyncfetch_cmd(first_args));
        REQUIRE(wait_for_records(state + "/records", 20));
        first.signal(SIGKILL);
        CHECK(first.wait().status == 128 + SIGKILL);
    }
    const auto done_before = lines_in(state + "/records");
    CHECK(done_before < 111);
    const auto requests_before = server.request_log().size();

    auto second = run(asyncfetch_cmd(args));
    CHECK_MESSAGE(second.status == 0, second.err);
    CHECK(paths_of(second.out, base) == want); // each page once
    std::map<std::string, int> fetched;
    for (const auto& r : server.request_log())
        if (r.target != "/robots.txt") ++fetched[r.target];
    std::size_t twice = 0;
    for (const auto& [target, n] : fetched) {
        CHECK(n <= 2);
        twice += n == 2;
    }
    MESSAGE(done_before, " pages done before the kill, ", twice, " fetched again; ",
            server.request_log().size() - requests_before, " requests after");
    CHECK(twice <= 8); // the per-host limit: pages in flight at the kill
    CHECK(fetched.size() == 111);
    // The crawl ended: its state is gone, and a new run starts afresh.
    CHECK_FALSE(std::filesystem::exists(state + "/records"));
    const auto again = run(asyncfetch_cmd(args));
    CHECK(paths_of(again.out, base) == want);
}

TEST_CASE("crawl job in a JSON config: state per job, resumed after SIGKILL") {
    auto site = tree_site();
    site.pages["/robots.txt"] = {200, "text/plain", "User-agent: *\nCrawl-delay: 0.02\n"};
    testserver::server server(site);
    const auto base = server.base_url();
    temp_dir dir;
    const auto config = dir.write(
        "crawl.json", json{{"jobs", json::array({json{{"name", "tree"},
                                                      {"kind", "crawl"},
                                                      {"targets", json::array({base + "/"})},
                                                      {"depth", 2},
                                                      {"state", "tree-state"},
                                                      {"output", "tree-{time}.jsonl"}}})}}
                          .dump());
    {
        child first(asyncfetch_cmd({"run", config, "--once", "-q"}));
        REQUIRE(wait_for_records(dir.file("tree-state/records"), 20));
        first.signal(SIGKILL);
        first.wait();
    }
    const auto second = run(asyncfetch_cmd({"run", config, "--once", "-q"}));
    CHECK_MESSAGE(second.status == 0, second.err);
    std::multiset<std::string> paths;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        if (entry.path().extension() == ".jsonl" &&
            entry.path().filename().string().rfind("tree-", 0) == 0) {
            const auto these = paths_of(read_file(entry.path().string()), base);
            if (these.size() > paths.size()) paths = these;
        }
    CHECK(paths.size() == 111);
    CHECK(std::set<std::string>(paths.begin(), paths.end()).size() == 111);
}
