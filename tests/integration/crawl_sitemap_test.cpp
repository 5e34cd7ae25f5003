// `asyncfetch crawl --sitemaps` against sitemaps the test server serves:
// robots.txt Sitemap: lines, /sitemap.xml, an index, gzip, lastmod in the
// record, robots.txt refusals winning, and hostile files (billion laughs,
// XXE naming a secret file) read as nothing.
#include "asyncfetch/http/decode.hpp"
#include "asyncfetch/testserver/server.hpp"
#include "tools/listeners.hpp"
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

std::string urlset(const std::vector<std::pair<std::string, std::string>>& urls) {
    std::string xml = "<?xml version=\"1.0\"?><urlset "
                      "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
    for (const auto& [loc, lastmod] : urls)
        xml += "<url><loc>" + loc + "</loc>" +
               (lastmod.empty() ? "" : "<lastmod>" + lastmod + "</lastmod>") + "</url>";
    return xml + "</urlset>";
}

} // namespace

TEST_CASE("crawl --sitemaps: robots.txt and /sitemap.xml, index, gzip, hostile XML") {
    temp_dir dir;
    const auto secret = dir.write("secret.txt", "SECRET-4711");
    const auto port = free_port();
    const auto base = "http://127.0.0.1:" + std::to_string(port);
    testserver::server_options o;
    o.port = port;
    auto& p = o.pages;
    p["/robots.txt"] = {200, "text/plain",
                        "User-agent: *\nDisallow: /private\n\nSitemap: " + base +
                            "/maps/index.xml\n"};
    p["/maps/index.xml"] = {200, "application/xml",
                            "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                            "<sitemap><loc>" +
                                base +
                                "/maps/a.xml.gz</loc></sitemap>"
                                "<sitemap><loc>" +
                                base +
                                "/maps/lol.xml</loc></sitemap>"
                                "<sitemap><loc>" +
                                base +
                                "/maps/xxe.xml</loc></sitemap>"
                                "</sitemapindex>"};
    p["/maps/a.xml.gz"] = {200, "application/gzip",
                           http::gzip_compress(urlset({{base + "/from-gz.html", "2026-11-02"},
                                                       {base + "/private/no.html", ""},
                                                       {"http://127.0.0.2:9/off.html", ""}}))};
    p["/maps/lol.xml"] = {200, "application/xml",
                          "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
                          "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                          "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                          "<urlset><url><loc>" +
                              base + "/&c;</loc></url></urlset>"};
    p["/maps/xxe.xml"] = {200, "application/xml",
                          "<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY x SYSTEM \"file://" +
                              secret + "\">]><urlset><url><loc>" + base +
                              "/x?&x;</loc></url></urlset>"};
    p["/sitemap.xml"] = {
        200, "application/xml",
        urlset({{base + "/from-default.html", "2026-10-31T12:00:00Z"}, {base + "/", ""}})};
    for (const char* page : {"/", "/from-gz.html", "/from-default.html", "/private/no.html"})
        p[page] = {200, "text/html", "<title>t</title>"};
    testserver::server server(o);

    const auto res =
        run(asyncfetch_cmd({"crawl", "-", "-q", "--depth", "0", "--sitemaps"}), base + "/\n");
    CHECK_MESSAGE(res.status == 0, res.err);
    std::set<std::string> pages;
    for (const auto& r : server.request_log())
        if (r.target.rfind("/maps/", 0) != 0 && r.target != "/robots.txt" &&
            r.target != "/sitemap.xml")
            pages.insert(r.target);
    CHECK(pages == std::set<std::string>{"/", "/from-gz.html", "/from-default.html"});
    std::map<std::string, json> records;
    for (const auto& r : records_of(res.out))
        records[r["url"].get<std::string>()] = r;
    REQUIRE(records.size() == 3);
    CHECK(records.at(base + "/from-gz.html")["lastmod"] == "2026-11-02");
    CHECK(records.at(base + "/from-gz.html")["parent"] == base + "/maps/a.xml.gz");
    CHECK(records.at(base + "/from-default.html")["lastmod"] == "2026-10-31T12:00:00Z");
    CHECK(records.at(base + "/")["lastmod"].is_null());
    CHECK(res.err.find("sitemaps: 3 read, 5 URLs") != std::string::npos);
    CHECK(res.err.find("/maps/lol.xml: sitemap") != std::string::npos);
    CHECK(res.err.find("/maps/xxe.xml: sitemap with a DOCTYPE refused") != std::string::npos);
    CHECK(res.err.find("1 out of scope") != std::string::npos);
    CHECK(res.err.find("1 refused by robots.txt") != std::string::npos);
    CHECK(res.out.find("SECRET-4711") == std::string::npos);
    CHECK(res.err.find("SECRET-4711") == std::string::npos);

    // Without --sitemaps none is read.
    auto again = o;
    again.port = 0;
    testserver::server plain(again);
    const auto without =
        run(asyncfetch_cmd({"crawl", "-", "-q", "--depth", "0"}), plain.base_url() + "/\n");
    CHECK(records_of(without.out).size() == 1);
}
