// A fetch job's cache, netrc and cookie keys: the same readers as the CLI's
// --cache, --netrc-file, -b and --cookie-jar, mistakes named by JSON path.
#include "asyncfetch/schedule/config.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace asyncfetch;
using namespace asyncfetch::schedule;
using asyncfetch::testing::temp_dir;

TEST_CASE("config: cache, netrc_file, cookies and cookie_jar keys of a fetch job") {
    temp_dir dir;
    dir.write("netrc", "machine h login u password p\n");
    dir.write("jar", "h\tFALSE\t/\tFALSE\t0\tsid\tabc\n");
    const auto path = dir.write("c.json", R"({"jobs": [{"name": "f", "kind": "fetch",
        "targets": ["http://127.0.0.1/"], "cache": "cache", "netrc_file": "netrc",
        "cookies": "jar", "cookie_jar": "out-jar"}]})");
    auto loaded = load_config(path);
    REQUIRE_MESSAGE(loaded.value, loaded.problems.front());
    const auto& c = loaded.value->jobs[0].client;
    CHECK(c.cache_dir == dir.file("cache"));
    CHECK(std::filesystem::is_directory(dir.file("cache")));
    REQUIRE(c.netrc_entries.size() == 1);
    CHECK(c.netrc_entries[0].login == "u");
    CHECK(c.use_cookies);
    REQUIRE(c.cookies.size() == 1);
    CHECK(c.cookies[0].name == "sid");
    CHECK(c.cookie_jar == dir.file("out-jar"));
}

TEST_CASE("config: a malformed netrc or jar, and a jar with processes, are named by JSON path") {
    temp_dir dir;
    dir.write("netrc", "machine h login\n");
    dir.write("jar", "h\tFALSE\t/\n");
    const auto path = dir.write("c.json", R"({"jobs": [
        {"name": "a", "kind": "fetch", "targets": [], "netrc_file": "netrc"},
        {"name": "b", "kind": "fetch", "targets": [], "cookies": "jar"},
        {"name": "c", "kind": "fetch", "targets": [], "cookie_jar": "j", "processes": 2},
        {"name": "d", "kind": "crawl", "targets": [], "cache": "x"}]})");
    auto loaded = load_config(path);
    std::string all;
    for (const auto& p : loaded.problems)
        all += p + "\n";
    CHECK_MESSAGE(all.find("jobs[0].netrc_file: " + dir.file("netrc") +
                           ":1: 'login' has no value") != std::string::npos,
                  all);
    CHECK(all.find("jobs[1].cookies: " + dir.file("jar") + ":1: expected 7 tab-separated") !=
          std::string::npos);
    CHECK(all.find("jobs[2].cookie_jar: not with processes above 1") != std::string::npos);
    CHECK(all.find("jobs[3]: unknown key 'cache'") != std::string::npos);
}
