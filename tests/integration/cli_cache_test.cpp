// --cache through the real binary against a server that honours conditional
// requests: a second run moves headers only (bytes counted at the server),
// keeps the saved files, and a resource that changed is fetched again.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

std::map<std::string, json> by_url(const std::string& out) {
    return records_by_url(records_of(out));
}

} // namespace

TEST_CASE("--cache: a second run of 50 URLs gets 304s and moves no bodies, --save keeps files") {
    testserver::server site;
    temp_dir dir;
    std::string list;
    std::vector<std::string> urls;
    for (int i = 0; i < 50; ++i) {
        // Both validators, ETag only, and Last-Modified only (If-Modified-Since).
        const char* only = i % 3 == 0 ? "" : i % 3 == 1 ? "&only=etag" : "&only=lm";
        urls.push_back(site.base_url() + "/cached/1000?key=k" + std::to_string(i) + only);
        list += urls.back() + "\n";
    }
    const auto input = dir.write("urls.txt", list);
    const auto cache = dir.file("cache"), saved = dir.file("saved");
    auto r = run(asyncfetch_cmd({input, "-q", "--cache", cache, "--save", saved}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto first = by_url(r.out);
    REQUIRE(first.size() == 50);
    CHECK(site.body_bytes_served() == 50 * 1000);
    for (const auto& [url, rec] : first)
        CHECK_FALSE(rec.contains("not_modified"));

    r = run(asyncfetch_cmd({input, "-q", "--cache", cache, "--save", saved}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(site.body_bytes_served() == 50 * 1000); // not one body byte more
    auto second = by_url(r.out);
    REQUIRE(second.size() == 50);
    for (const auto& [url, rec] : second) {
        CAPTURE(url);
        CHECK(rec["status"] == 304);
        CHECK(rec["not_modified"] == true);
        CHECK(rec["file"] == first.at(url)["file"]);
        CHECK(rec["sha256"] == first.at(url)["sha256"]);
    }

    // k7 changes: fetched again, its file replaced; the rest stay 304s.
    r = run(asyncfetch_cmd({dir.write("touch.txt", site.base_url() + "/touch?key=k7\n"), "-q"}));
    REQUIRE(r.status == 0);
    r = run(asyncfetch_cmd({input, "-q", "--cache", cache, "--save", saved}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    auto third = by_url(r.out);
    const auto& changed = third.at(urls[7]);
    CHECK(changed["status"] == 200);
    CHECK_FALSE(changed.contains("not_modified"));
    CHECK(changed["sha256"] != first.at(urls[7])["sha256"]);
    CHECK(read_file(changed["file"].get<std::string>())[0] == 'B');
    CHECK(third.at(urls[8])["not_modified"] == true);
    CHECK(site.body_bytes_served() == 50 * 1000 + 1000 + 8); // the new body and "touched\n"

    // A saved file gone: asked for unconditionally, so it is there again.
    std::filesystem::remove(first.at(urls[3])["file"].get<std::string>());
    r = run(asyncfetch_cmd({input, "-q", "--cache", cache, "--save", saved}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(by_url(r.out).at(urls[3])["status"] == 200);
    CHECK(std::filesystem::exists(first.at(urls[3])["file"].get<std::string>()));
}

TEST_CASE("--cache without --save, and as a config key") {
    testserver::server site;
    temp_dir dir;
    const auto url = site.base_url() + "/cached/300?key=c";
    const auto input = dir.write("urls.txt", url + "\n");
    const auto config = dir.write("job.json", json{{"jobs",
                                                    {{{"name", "cached"},
                                                      {"kind", "fetch"},
                                                      {"targets", input},
                                                      {"output", dir.file("out-{run}.jsonl")},
                                                      {"cache", dir.file("cache")}}}}}
                                                  .dump());
    auto r = run(asyncfetch_cmd({input, "-q", "--cache", dir.file("cache")}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    r = run(asyncfetch_cmd({"run", config, "--once"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(site.body_bytes_served() == 300);
    CHECK(site.requests_served() == 2);
}
