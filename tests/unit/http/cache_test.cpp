#include "asyncfetch/http/cache.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace asyncfetch::http;
using asyncfetch::testing::temp_dir;

TEST_CASE(
    "validator cache: an entry per URL, written and read back, forgotten without validators") {
    temp_dir dir;
    const validator_cache cache(dir.path());
    const std::string url = "http://h/a?x=1";
    CHECK_FALSE(cache.find(url));
    CHECK(
        cache.store({url, "\"v1\"", "Wed, 21 Oct 2015 07:28:00 GMT", "d/h/a", "ab12", 7}).empty());
    const auto e = cache.find(url);
    REQUIRE(e);
    CHECK(e->etag == "\"v1\"");
    CHECK(e->last_modified == "Wed, 21 Oct 2015 07:28:00 GMT");
    CHECK(e->file == "d/h/a");
    CHECK(e->size == 7);
    CHECK_FALSE(cache.find("http://h/a?x=2"));
    // A 2xx without validators (or with oversized ones) leaves no entry.
    CHECK(cache.store({url, "", "", "", "", 0}).empty());
    CHECK_FALSE(cache.find(url));
    CHECK(cache.store({url, std::string(2000, 'e'), "", "", "", 0}).empty());
    CHECK_FALSE(std::filesystem::exists(cache.path_for(url)));
}

TEST_CASE("validator cache: a broken or foreign entry is no entry, and conditional headers") {
    temp_dir dir;
    const validator_cache cache(dir.path());
    const std::string url = "http://h/";
    std::ofstream(cache.path_for(url)) << "{not json";
    CHECK_FALSE(cache.find(url));
    std::ofstream(cache.path_for(url)) << R"({"url": "http://other/", "etag": "x"})";
    CHECK_FALSE(cache.find(url));
    header_pairs headers{{"Accept", "*/*"}};
    add_conditional_headers({url, "\"e\"", "date", "", "", 0}, headers);
    REQUIRE(headers.size() == 3);
    CHECK(headers[1] == std::pair<std::string, std::string>{"If-None-Match", "\"e\""});
    CHECK(headers[2] == std::pair<std::string, std::string>{"If-Modified-Since", "date"});
    remove_conditional_headers(headers);
    CHECK(headers.size() == 1);
}
