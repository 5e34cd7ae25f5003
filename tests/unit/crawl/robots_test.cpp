#include "asyncfetch/crawl/robots.hpp"

#include "asyncfetch/crawl/normalize.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::crawl;

TEST_CASE("robots: our own group wins over '*', longest match, Allow on ties") {
    const auto rules = robots_rules::parse("User-agent: *\n"
                                           "Disallow: /\n"
                                           "\n"
                                           "User-agent: OtherBot\n"
                                           "User-Agent: AsyncFetch/0.1   # us, any version\n"
                                           "Disallow: /private\n"
                                           "Allow: /private/open\n"
                                           "Disallow: /*.pdf$\n"
                                           "Allow: /tie\n"
                                           "Disallow: /tie\n"
                                           "Crawl-delay: 1.5\n",
                                           "asyncfetch");
    CHECK(rules.allows("/"));
    CHECK(rules.allows("/public/page"));
    CHECK_FALSE(rules.allows("/private"));
    CHECK_FALSE(rules.allows("/private/secret?x=1"));
    CHECK(rules.allows("/private/open/doc"));
    CHECK_FALSE(rules.allows("/docs/a.pdf"));
    CHECK(rules.allows("/docs/a.pdf?download=1")); // '$' anchors the end
    CHECK(rules.allows("/tie"));
    CHECK(rules.crawl_delay() == std::chrono::milliseconds(1500));
}

TEST_CASE("robots: '*' group when none names us, rules outside groups ignored") {
    const auto rules = robots_rules::parse("Disallow: /ignored\n"
                                           "User-agent: googlebot\n"
                                           "Disallow: /g\n"
                                           "User-agent: *\n"
                                           "Disallow: /tmp/\n"
                                           "Disallow:\n"
                                           "Sitemap: http://127.0.0.1/sitemap.xml\n",
                                           "asyncfetch");
    CHECK(rules.allows("/ignored"));
    CHECK(rules.allows("/g"));
    CHECK_FALSE(rules.allows("/tmp/x"));
    CHECK(rules.allows("/tmp"));
    CHECK_FALSE(rules.crawl_delay());
}

TEST_CASE("robots: several agents share one group, CRLF lines") {
    const auto rules = robots_rules::parse(
        "User-agent: a\r\nUser-agent: asyncfetch\r\nDisallow: /x\r\n", "asyncfetch");
    CHECK_FALSE(rules.allows("/x/y"));
    CHECK(rules.allows("/y"));
}

TEST_CASE("robots: unreachable means nothing, except robots.txt itself") {
    const auto none = robots_rules::disallow_all();
    CHECK_FALSE(none.allows("/"));
    CHECK_FALSE(none.allows("/page"));
    CHECK(none.allows("/robots.txt"));
    CHECK(robots_rules::allow_all().allows("/anything"));
}

TEST_CASE("robots: pattern matching") {
    CHECK(robots_pattern_matches("/a*b", "/axxb/c"));
    CHECK_FALSE(robots_pattern_matches("/a*b$", "/axxb/c"));
    CHECK(robots_pattern_matches("/a*b$", "/axxb"));
    CHECK(robots_pattern_matches("*", "/"));
    CHECK(robots_pattern_matches("/*.php$", "/x/y.php"));
    CHECK_FALSE(robots_pattern_matches("/*.php$", "/x/y.php5"));
    CHECK_FALSE(robots_pattern_matches("/abc", "/ab"));
}

TEST_CASE("robots: percent-encoding normalised on both sides (RFC 9309 2.2.2)") {
    CHECK(percent_normal("/%7efoo/%2f/%aB/ä") == "/~foo/%2F/%AB/%C3%A4");
    const auto rules = robots_rules::parse("User-agent: *\n"
                                           "Disallow: /%7Ejoe/\n"
                                           "Disallow: /ä/\n"
                                           "Disallow: /a%2fb\n"
                                           "Allow: /%41llowed\n"
                                           "Disallow: /Allowed\n",
                                           "asyncfetch");
    CHECK_FALSE(rules.allows("/~joe/index.html"));
    CHECK_FALSE(rules.allows("/%7ejoe/index.html"));
    CHECK_FALSE(rules.allows("/%C3%A4/x"));
    CHECK_FALSE(rules.allows("/%c3%a4/x"));
    CHECK_FALSE(rules.allows("/a%2Fb"));
    CHECK(rules.allows("/a/b"));     // an encoded '/' is not a '/'
    CHECK(rules.allows("/Allowed")); // Allow wins the tie once both read "/Allowed"
}
