// --frontier-memory: a crawl whose queue is far over a tiny budget spills it
// to a file and still finishes the same pages as one that keeps it all in
// memory, with a temporary file or DIR/spill under --state; killed with
// SIGKILL while its spill file holds most of the queue, the same --state
// finishes the crawl, every page once. The JSON config key does the same.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

// "/" links to /0../9, each of those to ten more, three levels: 1,111 pages
// at depth 3, and a queue of 1,000 URLs (some 30 KB) once level two is read.
testserver::server_options three_levels(const std::string& robots) {
    testserver::server_options o;
    o.pages["/robots.txt"] = {200, "text/plain", robots};
    auto add = [&o](const std::string& path, int level, auto& self) -> void {
        std::string html = "<!doctype html><title>" + path + "</title>";
        for (int i = 0; level < 3 && i < 10; ++i) {
            const auto child = (path == "/" ? path : path + "-") + std::to_string(i);
            html += "<a href='" + child + "'>x</a>";
            self(child, level + 1, self);
        }
        o.pages[path] = {200, "text/html", html};
    };
    add("/", 0, add);
    return o;
}

} // namespace

TEST_CASE("crawl --frontier-memory 1K: a spilled queue finishes the same pages") {
    testserver::server server(three_levels("User-agent: *\n"));
    const auto base = server.base_url();
    const std::vector<std::string> crawl{"crawl", "-", "-q", "-d", "3", "--max-pages", "0"};
    const auto whole = run(asyncfetch_cmd(crawl), base + "/\n");
    const auto want = paths_of(whole.out, base);
    REQUIRE(want.size() == 1111);

    temp_dir dir;
    auto spilled_args = crawl;
    spilled_args.insert(spilled_args.end(), {"--frontier-memory", "1K"});
    const auto spilled = run(asyncfetch_cmd(spilled_args), base + "/\n");
    CHECK_MESSAGE(spilled.status == 0, spilled.err);
    CHECK(paths_of(spilled.out, base) == want);
    CHECK(spilled.err.find("crawl frontier") == std::string::npos);

    spilled_args.insert(spilled_args.end(), {"--state", dir.file("state")});
    const auto with_state = run(asyncfetch_cmd(spilled_args), base + "/\n");
    CHECK_MESSAGE(with_state.status == 0, with_state.err);
    CHECK(paths_of(with_state.out, base) == want);
    CHECK_FALSE(std::filesystem::exists(dir.file("state/spill"))); // ended: removed

    const auto bad = run(asyncfetch_cmd({"crawl", "-", "--frontier-memory", "lots"}), "");
    CHECK(bad.status == 2);
    CHECK(bad.err.find("--frontier-memory") != std::string::npos);
}

TEST_CASE("crawl --state with a spilled queue: SIGKILL, then the same --state finishes") {
    // A Crawl-delay spreads the 1,111 pages over about 3 s.
    testserver::server server(three_levels("User-agent: *\nCrawl-delay: 0.003\n"));
    const auto base = server.base_url();
    temp_dir dir;
    const auto seeds = dir.write("seeds.txt", base + "/\n");
    const auto state = dir.file("state");
    const std::vector<std::string> args{"crawl",       seeds, "-q",      "-d",  "3",
                                        "--max-pages", "0",   "--state", state, "--frontier-memory",
                                        "1K"};
    std::uintmax_t spill_bytes = 0;
    {
        auto first_args = args;
        first_args.insert(first_args.end(), {"-o", dir.file("first.jsonl")});
        child first(asyncfetch_cmd(first_args));
        // Past level two (111 pages): the 1,000 URLs of level three are queued.
        for (int i = 0; i < 1000 && lines_in(state + "/records") < 300; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        first.signal(SIGKILL);
        CHECK(first.wait().status == 128 + SIGKILL);
        std::error_code ec;
        spill_bytes = std::filesystem::file_size(state + "/spill", ec);
    }
    const auto done_before = lines_in(state + "/records");
    CHECK(done_before >= 300);
    CHECK(done_before < 1111);
    CHECK(spill_bytes > 4096); // the kill left a spill file behind
    MESSAGE(done_before, " pages done before the kill, spill file of ", spill_bytes, " bytes");

    const auto second = run(asyncfetch_cmd(args));
    CHECK_MESSAGE(second.status == 0, second.err);
    const auto paths = paths_of(second.out, base);
    CHECK(paths.size() == 1111);
    CHECK(std::set<std::string>(paths.begin(), paths.end()).size() == 1111); // each once
    CHECK_FALSE(std::filesystem::exists(state + "/spill"));
}

TEST_CASE("crawl job in a JSON config: frontier_memory spills and finishes every page") {
    testserver::server server(three_levels("User-agent: *\n"));
    const auto base = server.base_url();
    temp_dir dir;
    const auto job = [&](const json& memory) {
        return json{{"name", "tree"},
                    {"kind", "crawl"},
                    {"targets", {base + "/"}},
                    {"depth", 3},
                    {"max_pages", 0},
                    {"state", "tree-state"},
                    {"frontier_memory", memory},
                    {"output", "tree.jsonl"}};
    };
    const auto config = dir.write("crawl.json", json{{"jobs", {job("2K")}}}.dump());
    const auto result = run(asyncfetch_cmd({"run", config, "--once", "-q"}));
    CHECK_MESSAGE(result.status == 0, result.err);
    const auto paths = paths_of(read_file(dir.file("tree.jsonl")), base);
    CHECK(paths.size() == 1111);
    CHECK(std::set<std::string>(paths.begin(), paths.end()).size() == 1111);

    const auto bad = dir.write("bad.json", json{{"jobs", {job("lots")}}}.dump());
    const auto refused = run(asyncfetch_cmd({"run", bad, "--dry-run"}));
    CHECK(refused.status == 2);
    CHECK(refused.err.find("jobs[0].frontier_memory") != std::string::npos);
}
