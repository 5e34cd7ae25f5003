#include "asyncfetch/http/cookies.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace asyncfetch::http;

namespace {

http_url url(const char* text) {
    return parse_url(text).value();
}

constexpr std::int64_t now = 1'800'000'000;

} // namespace

TEST_CASE("cookie dates as RFC 6265 5.1.1 reads them") {
    CHECK(parse_cookie_date("Wed, 21 Oct 2015 07:28:00 GMT") == 1445412480);
    CHECK(parse_cookie_date("Wednesday, 21-Oct-15 07:28:00 GMT") == 1445412480);
    CHECK(parse_cookie_date("Wed Oct 21 07:28:00 2015") == 1445412480);
    CHECK(parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
    CHECK_FALSE(parse_cookie_date("Wed, 32 Oct 2015 07:28:00 GMT"));
    CHECK_FALSE(parse_cookie_date("tomorrow"));
    CHECK_FALSE(parse_cookie_date("Wed, 21 Oct 2015"));
}

TEST_CASE("Set-Cookie: host-only by default, Domain for subdomains, default path") {
    const auto c = parse_set_cookie("sid = abc ; HttpOnly", url("http://www.example.com/a/b"), now);
    REQUIRE(c);
    CHECK(c->name == "sid");
    CHECK(c->value == "abc");
    CHECK(c->host_only);
    CHECK(c->domain == "www.example.com");
    CHECK(c->path == "/a");
    CHECK(c->http_only);
    CHECK(c->expires == 0);
    const auto d = parse_set_cookie("d=1; Domain=.EXAMPLE.com; Path=/x; Max-Age=60; "
                                    "Expires=Wed, 21 Oct 2015 07:28:00 GMT",
                                    url("http://www.example.com/"), now);
    REQUIRE(d);
    CHECK(d->domain == "example.com");
    CHECK_FALSE(d->host_only);
    CHECK(d->path == "/x");
    CHECK(d->expires == now + 60); // Max-Age wins over Expires
}

TEST_CASE("Set-Cookie refused: another domain, a public suffix, Secure over http, prefixes") {
    const auto www = url("http://www.example.com/");
    CHECK_FALSE(parse_set_cookie("a=1; Domain=other.com", www, now));
    CHECK_FALSE(parse_set_cookie("a=1; Domain=com", www, now));
    CHECK_FALSE(parse_set_cookie("a=1; Domain=co.uk", url("http://x.co.uk/"), now));
    CHECK_FALSE(parse_set_cookie("a=1; Secure", www, now));
    CHECK(parse_set_cookie("a=1; Secure", url("https://www.example.com/"), now));
    CHECK(parse_set_cookie("a=1; Secure", url("http://127.0.0.1:8080/"), now)); // as curl
    CHECK_FALSE(parse_set_cookie("__Secure-a=1", url("https://www.example.com/"), now));
    CHECK_FALSE(parse_set_cookie("__Host-a=1; Secure; Path=/; Domain=example.com",
                                 url("https://www.example.com/"), now));
    CHECK(parse_set_cookie("__Host-a=1; Secure; Path=/", url("https://www.example.com/"), now));
    CHECK_FALSE(parse_set_cookie("novalue", www, now));
    CHECK_FALSE(parse_set_cookie("a=b\x01", www, now));
    CHECK_FALSE(parse_set_cookie("a=" + std::string(4096, 'v'), www, now));
    // An IP address: host-only, and no Domain but itself.
    CHECK_FALSE(parse_set_cookie("a=1; Domain=0.0.1", url("http://127.0.0.1/"), now));
    CHECK(parse_set_cookie("a=1; Domain=127.0.0.1", url("http://127.0.0.1/"), now)->host_only);
}

TEST_CASE("the store: domain and path matching, Secure, order, replacement and deletion") {
    cookie_store store;
    const auto site = url("https://www.example.com/app/page");
    store.take(site,
               {"root=1; Path=/", "app=2; Path=/app", "wide=3; Domain=example.com; Path=/",
                "safe=4; Secure; Path=/"},
               now);
    CHECK(store.header_for(url("https://www.example.com/app/x"), now) ==
          "app=2; root=1; wide=3; safe=4");
    CHECK(store.header_for(url("http://www.example.com/apple"), now) == "root=1; wide=3");
    CHECK(store.header_for(url("http://api.example.com/"), now) == "wide=3");
    CHECK(store.header_for(url("http://example.org/"), now).empty());
    // Same name, domain and path: replaced in place; expired: deleted.
    store.take(site, {"root=9; Path=/", "app=gone; Path=/app; Max-Age=0"}, now);
    CHECK(store.header_for(url("https://www.example.com/app/x"), now) == "root=9; wide=3; safe=4");
    store.take(site, {"short=1; Path=/; Max-Age=10"}, now);
    CHECK(store.header_for(url("http://www.example.com/"), now + 11) == "root=9; wide=3");
}

TEST_CASE("the store is bounded: 50 per domain, 3000 in all, the oldest go") {
    cookie_store store;
    const auto site = url("http://a.example/");
    for (int i = 0; i < 60; ++i)
        store.take(site, {"c" + std::to_string(i) + "=v"}, now);
    const auto kept = store.cookies(now);
    REQUIRE(kept.size() == 50);
    CHECK(kept.front().name == "c10");
    cookie_store small(cookie_limits{4096, 50, 5});
    for (int i = 0; i < 8; ++i)
        small.take(url(("http://h" + std::to_string(i) + ".example/").c_str()), {"x=1"}, now);
    CHECK(small.cookies(now).size() == 5);
    CHECK(small.cookies(now).front().domain == "h3.example");
}

TEST_CASE("the Cookie header is bounded as curl bounds it: under 8,190 bytes, at most 150 "
          "cookies, the most specific paths first") {
    cookie_store store;
    const auto site = url("http://a.example/app/x");
    const std::string big(4000, 'v');
    for (int i = 0; i < 10; ++i)
        store.take(site, {"c" + std::to_string(i) + "=" + big + "; Path=/"}, now);
    store.take(site, {"specific=1; Path=/app"}, now);
    const auto header = store.header_for(site, now);
    CHECK(header.size() < 8190);
    CHECK(header.rfind("specific=1; ", 0) == 0); // the longest path leads
    CHECK(header.find("c0=") != std::string::npos);
    CHECK(header.find("c2=") == std::string::npos); // a third 4 KB cookie would not fit

    cookie_store many(cookie_limits{4096, 200, 3000});
    for (int i = 0; i < 200; ++i)
        many.take(site, {"n" + std::to_string(i) + "=1; Path=/"}, now);
    const auto list = many.header_for(site, now);
    CHECK(std::count(list.begin(), list.end(), '=') == 150);
}
