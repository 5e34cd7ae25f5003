#include "asyncfetch/http/proxy.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace asyncfetch::http;

TEST_CASE("proxy URLs: http, socks5, socks5h, port 1080 by default, credentials kept apart") {
    auto p = parse_proxy_url("http://user:pa%3Ass@Proxy.Example:3128");
    REQUIRE(p);
    CHECK(p->type == proxy::kind::http);
    CHECK(p->host == "proxy.example");
    CHECK(p->port == 3128);
    CHECK(p->authorization == "Basic dXNlcjpwYTpzcw=="); // user:pa:ss
    CHECK(p->name == "http://proxy.example:3128");       // never the credentials
    auto bare = parse_proxy_url("10.0.0.1");
    REQUIRE(bare);
    CHECK(bare->type == proxy::kind::http);
    CHECK(bare->port == 1080);
    CHECK(bare->host_is_ip);
    auto socks = parse_proxy_url("socks5h://u:p@[::1]:9050");
    REQUIRE(socks);
    CHECK(socks->type == proxy::kind::socks5h);
    CHECK(socks->host == "::1");
    CHECK(socks->authorization == "u:p");
    CHECK(socks->name == "socks5h://[::1]:9050");
    auto https = parse_proxy_url("https://u:secret@p:1");
    REQUIRE_FALSE(https);
    CHECK(https.problem().find("secret") == std::string::npos);
}

TEST_CASE("NO_PROXY as curl reads it: names and their subdomains, '*', a leading dot") {
    CHECK(no_proxy_matches("example.org", "example.org"));
    CHECK(no_proxy_matches("example.org", "www.Example.ORG"));
    CHECK(no_proxy_matches(".example.org", "a.example.org"));
    CHECK_FALSE(no_proxy_matches("example.org", "badexample.org"));
    CHECK(no_proxy_matches("a.com, b.com", "b.com"));
    CHECK(no_proxy_matches("*", "anything"));
    CHECK_FALSE(no_proxy_matches("*.com", "x.com")); // curl: '*' only alone
    CHECK(no_proxy_matches("127.0.0.1", "127.0.0.1"));
    CHECK(no_proxy_matches("[::1]", "::1"));
    CHECK_FALSE(no_proxy_matches("", "example.org"));
}

TEST_CASE("the environment as curl reads it: http_proxy lower-case only, ALL_PROXY for both") {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                             "ALL_PROXY", "no_proxy", "NO_PROXY"})
        ::unsetenv(name);
    ::setenv("HTTP_PROXY", "http://upper:1", 1);
    ::setenv("ALL_PROXY", "socks5h://all:2", 1);
    ::setenv("https_proxy", "http://lower:3", 1);
    ::setenv("NO_PROXY", "direct.example", 1);
    auto s = choose_proxies(nullptr, nullptr);
    REQUIRE(s);
    CHECK(s->for_http->host == "all"); // HTTP_PROXY ignored
    CHECK(s->for_https->host == "lower");
    auto direct = parse_url("https://direct.example/");
    auto proxied = parse_url("https://other.example/");
    CHECK(proxy_for(*s, *direct) == nullptr);
    CHECK(proxy_for(*s, *proxied)->host == "lower");
    auto flags = choose_proxies("http://flag:4", "");
    CHECK(flags->for_http->host == "flag");
    CHECK(proxy_for(*flags, *direct)->host == "flag"); // --noproxy "" overrides NO_PROXY
    CHECK_FALSE(choose_proxies("http://u:p@flag:4", nullptr));
    auto none = choose_proxies("", nullptr);
    CHECK_FALSE(none->for_http);
    for (const char* name : {"HTTP_PROXY", "ALL_PROXY", "https_proxy", "NO_PROXY"})
        ::unsetenv(name);
}
