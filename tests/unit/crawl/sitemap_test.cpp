#include "asyncfetch/crawl/sitemap.hpp"

#include "asyncfetch/http/decode.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::crawl;

namespace {

std::string urlset(const std::string& body) {
    return R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">)" +
           body + "</urlset>";
}

} // namespace

TEST_CASE("sitemap: urlset with lastmod, index, gzip") {
    const auto set = parse_sitemap(urlset(R"(
        <url><loc> http://127.0.0.1/a </loc><lastmod>2026-11-01</lastmod></url>
        <url><loc><![CDATA[http://127.0.0.1/b?x=1&y=2]]></loc></url>
        <url><loc>http://127.0.0.1/c?x=1&amp;y=2</loc><changefreq>daily</changefreq></url>
        <url><lastmod>2026-01-01</lastmod></url>)"));
    REQUIRE(set.problem() == "");
    CHECK_FALSE(set->index);
    REQUIRE(set->urls.size() == 3);
    CHECK(set->urls[0].loc == "http://127.0.0.1/a");
    CHECK(set->urls[0].lastmod == "2026-11-01");
    CHECK(set->urls[1].loc == "http://127.0.0.1/b?x=1&y=2");
    CHECK(set->urls[2].loc == "http://127.0.0.1/c?x=1&y=2");
    CHECK(set->urls[2].lastmod == "");

    const auto index = parse_sitemap(http::gzip_compress(
        R"(<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>http://127.0.0.1/s1.xml.gz</loc><lastmod>2026</lastmod></sitemap>
        </sitemapindex>)"));
    REQUIRE(index.problem() == "");
    CHECK(index->index);
    REQUIRE(index->urls.size() == 1);
    CHECK(index->urls[0].loc == "http://127.0.0.1/s1.xml.gz");
}

TEST_CASE("sitemap: bounds, malformed XML and other documents refused") {
    std::string many;
    for (std::size_t i = 0; i <= max_sitemap_urls; ++i)
        many += "<url><loc>http://127.0.0.1/" + std::to_string(i) + "</loc></url>";
    CHECK(parse_sitemap(urlset(many)).problem() == "sitemap with more than 50,000 URLs");
    // A gzip bomb: 60 MB of spaces inflate past the 50 MB bound.
    const auto bomb = http::gzip_compress(urlset(std::string(60 << 20, ' ')));
    CHECK(bomb.size() < (1 << 20));
    CHECK(parse_sitemap(bomb).problem().find("gzipped sitemap") == 0);
    CHECK(parse_sitemap("<urlset><url><loc>x</loc></urlset>").problem().find("sitemap: ") == 0);
    CHECK(parse_sitemap("<html/>").problem() == "not a sitemap: the root element is <html>");
    CHECK_FALSE(parse_sitemap(""));
}

TEST_CASE("sitemap: billion laughs and XXE refused, no file read") {
    const char* laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<urlset><url><loc>http://127.0.0.1/&lol9;</loc></url></urlset>)";
    // libxml2 stops at the entity loop in the DTD, before the DOCTYPE node
    // reaches us; smaller ones are refused by their DOCTYPE.
    CHECK(parse_sitemap(laughs).problem() == "sitemap: Detected an entity reference loop");

    testing::temp_dir dir;
    const auto secret = dir.write("secret.txt", "TOPSECRET");
    const std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY x SYSTEM \"file://" +
                            secret + "\">]><urlset><url><loc>http://127.0.0.1/&x;</loc></url>" +
                            "</urlset>";
    const auto read = parse_sitemap(xxe);
    CHECK_FALSE(read);
    CHECK(read.problem().find("TOPSECRET") == std::string::npos);
    // An entity with no DOCTYPE to declare it is an error too, not a file.
    const auto bare = parse_sitemap("<urlset><url><loc>http://127.0.0.1/&x;</loc></url></urlset>");
    CHECK_FALSE(bare);
    // XInclude is not processed either.
    const auto xinclude =
        parse_sitemap("<urlset xmlns:xi=\"http://www.w3.org/2001/XInclude\"><url><loc><xi:include "
                      "href=\"file://" +
                      secret + "\" parse=\"text\"/></loc></url></urlset>");
    REQUIRE(xinclude.problem() == "");
    CHECK(xinclude->urls.empty());
}
