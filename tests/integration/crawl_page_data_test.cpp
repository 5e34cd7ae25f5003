// `asyncfetch crawl` records what each HTML page says: title, canonical,
// content type, meta robots (noindex marked, nofollow obeyed unless
// --ignore-meta-robots), rel=nofollow links not followed, --links and
// --extract NAME=XPATH; the same from a JSON config's crawl job.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

testserver::server_options site() {
    testserver::server_options o;
    auto& p = o.pages;
    p["/"] = {200, "text/html; charset=utf-8",
              "<!doctype html><title>Home page</title>"
              "<link rel=canonical href='/index.html'>"
              "<p class=price>12</p><p class=price>30</p>"
              "<a href='/a.html'>A</a><a href='/ads.html' rel='sponsored nofollow'>ad</a>"
              "<a href='/closed.html'>closed</a><a href='/a.html#again'>A</a>"
              "<a href='/data.json'>data</a>"};
    p["/a.html"] = {200, "text/html",
                    "<title>A</title><meta name=robots content=noindex><a href='/b.html'>B</a>"};
    p["/closed.html"] = {200, "text/html",
                         "<meta name=robots content='nofollow'><a href='/hidden.html'>h</a>"};
    for (const char* page : {"/b.html", "/ads.html", "/hidden.html"})
        p[page] = {200, "text/html", "<title>leaf</title>"};
    p["/data.json"] = {200, "application/json", "{}"};
    return o;
}

std::map<std::string, json> by_path(const std::string& out, const std::string& base) {
    std::map<std::string, json> records;
    for (const auto& r : records_of(out))
        records[r["url"].get<std::string>().substr(base.size())] = r;
    return records;
}

} // namespace

TEST_CASE("crawl: page data in the record, meta robots and rel=nofollow obeyed") {
    testserver::server server(site());
    const auto base = server.base_url();
    const auto res =
        run(asyncfetch_cmd({"crawl", "-", "-q", "--depth", "3", "--links", "--extract",
                            "prices=//p[@class='price']", "--extract", "links=count(//a)"}),
            base + "/\n");
    CHECK_MESSAGE(res.status == 0, res.err);
    const auto r = by_path(res.out, base);
    CHECK(r.size() == 5); // not /ads.html (rel=nofollow) nor /hidden.html (meta nofollow)
    CHECK(r.count("/ads.html") == 0);
    CHECK(r.count("/hidden.html") == 0);
    const auto& home = r.at("/");
    CHECK(home["title"] == "Home page");
    CHECK(home["canonical"] == base + "/index.html");
    CHECK(home["content_type"] == "text/html; charset=utf-8");
    CHECK(home["noindex"] == false);
    CHECK(home["outlinks"] == json::array({base + "/a.html", base + "/ads.html",
                                           base + "/closed.html", base + "/data.json"}));
    CHECK(home["extract"]["prices"] == json::array({"12", "30"}));
    CHECK(home["extract"]["links"] == 5.0);
    CHECK(r.at("/a.html")["noindex"] == true); // still a record, marked
    CHECK(r.at("/b.html")["parent"] == base + "/a.html");
    CHECK(r.at("/closed.html")["nofollow"] == true);
    CHECK(r.at("/data.json")["content_type"] == "application/json");
    CHECK(r.at("/data.json").count("title") == 0);

    // --ignore-meta-robots follows both; without --links no outlinks.
    testserver::server open(site());
    const auto all =
        run(asyncfetch_cmd({"crawl", "-", "-q", "--depth", "3", "--ignore-meta-robots"}),
            open.base_url() + "/\n");
    const auto r2 = by_path(all.out, open.base_url());
    CHECK(r2.size() == 7);
    CHECK(r2.at("/").count("outlinks") == 0);
    CHECK(r2.at("/").count("extract") == 0);

    const auto bad = run(asyncfetch_cmd({"crawl", "-", "--extract", "x=//a["}), base + "/\n");
    CHECK(bad.status == 2);
    CHECK(bad.err.find("invalid XPath '//a['") != std::string::npos);
}

TEST_CASE("crawl job in a JSON config: links, extract and ignore_meta_robots keys") {
    testserver::server server(site());
    const auto base = server.base_url();
    temp_dir dir;
    const auto config =
        dir.write("crawl.json",
                  json{{"jobs", json::array({json{{"name", "site"},
                                                  {"kind", "crawl"},
                                                  {"targets", json::array({base + "/"})},
                                                  {"depth", 3},
                                                  {"links", true},
                                                  {"ignore_meta_robots", true},
                                                  {"extract", json{{"title", "string(//title)"}}},
                                                  {"output", dir.path() + "/out.jsonl"}}})}}
                      .dump());
    const auto res = run(asyncfetch_cmd({"run", config, "--once"}));
    CHECK_MESSAGE(res.status == 0, res.err);
    const auto r = by_path(read_file(dir.path() + "/out.jsonl"), base);
    CHECK(r.size() == 7);
    CHECK(r.at("/")["extract"]["title"] == "Home page");
    CHECK(r.at("/")["outlinks"].size() == 4);

    const auto bad = dir.write(
        "bad.json", R"({"jobs": [{"name": "x", "kind": "crawl", "targets": ["http://127.0.0.1/"],
                       "extract": {"t": "//a["}}]})");
    const auto checked = run(asyncfetch_cmd({"run", bad, "--once"}));
    CHECK(checked.status == 2);
    CHECK(checked.err.find("jobs[0].extract.t: invalid XPath '//a['") != std::string::npos);
}
