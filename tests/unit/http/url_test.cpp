#include "asyncfetch/http/url.hpp"
#include "asyncfetch/http/url_problem.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace asyncfetch::http;

TEST_CASE("parse_url splits http and https URLs") {
    auto r = parse_url("HTTP://Example.COM/a/b?x=1#frag");
    REQUIRE(r);
    CHECK(r->text == "http://example.com/a/b?x=1");
    CHECK_FALSE(r->tls);
    CHECK(r->host == "example.com");
    CHECK(r->port == 80);
    CHECK(r->host_header == "example.com");
    CHECK(r->request_target == "/a/b?x=1");
    CHECK(r->origin() == "http://example.com");

    auto s = parse_url("https://127.0.0.1:8443");
    REQUIRE(s);
    CHECK(s->tls);
    CHECK(s->host_is_ip);
    CHECK(s->port == 8443);
    CHECK(s->host_header == "127.0.0.1:8443");
    CHECK(s->request_target == "/");

    auto d = parse_url("https://h:443/x/../y");
    REQUIRE(d);
    CHECK(d->text == "https://h/y"); // default port and dot segments dropped
}

TEST_CASE("parse_url handles IPv6 literals") {
    auto r = parse_url("http://[::1]:8080/p");
    REQUIRE(r);
    CHECK(r->host == "::1");
    CHECK(r->host_is_ip);
    CHECK(r->host_header == "[::1]:8080");
}

TEST_CASE("parse_url rejects what cannot be fetched, saying why") {
    CHECK(parse_url("example.com/x").problem().find("not an absolute URL") != std::string::npos);
    CHECK(parse_url("ftp://h/").problem().find("unsupported scheme 'ftp'") != std::string::npos);
    CHECK(parse_url("http:///path").problem().find("missing host") != std::string::npos);
    CHECK(parse_url("http://h:99999/").problem().find("port") != std::string::npos);
    CHECK(parse_url("http://user:secret@h/").problem().find("credentials") != std::string::npos);
    CHECK(parse_url("http://h/a b").problem().find("malformed") != std::string::npos);
    CHECK(parse_url("").problem() == "empty URL");
}

TEST_CASE("resolve_location follows relative and absolute redirects") {
    auto base = *parse_url("http://h:8080/a/b?q=1");
    CHECK(resolve_location(base, "/c")->text == "http://h:8080/c");
    CHECK(resolve_location(base, "d")->text == "http://h:8080/a/d");
    CHECK(resolve_location(base, "../e?z")->text == "http://h:8080/e?z");
    CHECK(resolve_location(base, "https://other/x")->text == "https://other/x");
    CHECK(resolve_location(base, "//other:81/y")->host_header == "other:81");
    CHECK_FALSE(resolve_location(base, "ftp://x/"));
}

// Found by tests/fuzz/url_list: Boost.URL 1.81 ends a port at its last digit
// and takes the rest as a path without '/' ("http://c:80o": host c, port 80,
// path "o"), which then printed as another host ("http://co").
TEST_CASE("parse_url rejects a port followed by anything but a path, query or fragment") {
    for (const char* text :
         {"http://c:80o", "http://c:8o0/", "http://[::1]:80x/", "http://h:1a/b"}) {
        const std::string url = text;
        CAPTURE(url);
        const auto r = parse_url(text);
        CHECK_FALSE(r);
        CHECK(r.problem().find("malformed URL") != std::string::npos);
    }
    const auto base = parse_url("http://example.com/dir/page").value();
    CHECK_FALSE(resolve_location(base, "http://evil:80x/"));
    CHECK(resolve_location(base, "o").value().text == "http://example.com/dir/o");
}

TEST_CASE("url_problem says what parse_url says, in the same words, without a result") {
    const std::vector<std::string> urls = {"http://example.com/x",
                                           "HTTP://Example.COM/a/b?x=1#frag",
                                           "https://127.0.0.1:8443",
                                           "https://h:443/x/../y",
                                           "http://[::1]:8080/p",
                                           "http://[v1.x]/",
                                           "example.com/x",
                                           "ftp://h/",
                                           "FTP://h/",
                                           "http:///path",
                                           "http://h:99999/",
                                           "http://h:65536/",
                                           "http://h:0/",
                                           "http://user:secret@h/",
                                           "http://@h/",
                                           "http://h/a b",
                                           "",
                                           "http://h:80x",
                                           "http://h:80x/y",
                                           "http://h:/",
                                           "https://h",
                                           "http:h",
                                           "mailto:a@b",
                                           "http://h?q",
                                           "http://h#f",
                                           "http://%41/",
                                           "http://h/%zz",
                                           "http://[::1",
                                           "http://h:8080abc"};
    for (const auto& url : urls) {
        CAPTURE(url);
        const auto parsed = parse_url(url);
        const auto problem = url_problem(url);
        CHECK(problem.has_value() == !parsed);
        if (!parsed && problem) CHECK(*problem == parsed.problem());
    }
}

TEST_CASE("parse_url: a host name that percent-decodes to a line break or a delimiter is refused") {
    for (const char* text : {"http://a%0d%0aX-Evil%3a%201/", "http://a%0ab/", "http://a%00b/",
                             "http://a%20b/", "http://a%3a80/", "http://a%2fb/", "http://a%40b/"}) {
        CAPTURE(text);
        const auto url = asyncfetch::http::parse_url(text);
        REQUIRE_FALSE(url);
        CHECK(url.problem().find("malformed host name") != std::string::npos);
    }
    // What decodes to an ordinary name is still one.
    const auto fine = asyncfetch::http::parse_url("http://ex%61mple.com/");
    REQUIRE(fine);
    CHECK(fine->host == "example.com");
}

TEST_CASE("parse_url: a URL that is already normal gives what the rewriting path gives") {
    // parse_url skips Boost.URL's rewrites when they would change nothing;
    // every part that decides that is varied here, each with a value that
    // is rewritten and one that is not.
    int fast = 0;
    for (const char* scheme : {"http", "HTTP", "https", "hTTps"})
        for (const char* host :
             {"example.com", "Example.COM", "127.0.0.1", "[::1]", "[0:0::1]", "[::FFFF:7f00:1]",
              "[v1.x]", "ex%61mple.com", "ex%41mple.com", "a-b_c.d~e", "1.2.3"})
            for (const char* port : {"", ":80", ":443", ":8080", ":080", ":"})
                for (const char* path : {"", "/", "/a/b", "/a/./b", "/a/../b", "/%7Euser", "/a%2fb",
                                         "/.hidden", "/a/b/..", "//x", "/a:b", "/a/b.c/"})
                    for (const char* query : {"", "?q=1", "?a=%41&b=/./"})
                        for (const char* fragment : {"", "#f", "#"}) {
                            const std::string url =
                                std::string(scheme) + "://" + host + port + path + query + fragment;
                            CAPTURE(url);
                            const auto got = parse_url(url);
                            const auto want = asyncfetch::http::detail::parse_url_rewriting(url);
                            REQUIRE(bool(got) == bool(want));
                            if (!got) {
                                CHECK(got.problem() == want.problem());
                                continue;
                            }
                            CHECK(got->text == want->text);
                            CHECK(got->tls == want->tls);
                            CHECK(got->host == want->host);
                            CHECK(got->host_is_ip == want->host_is_ip);
                            CHECK(got->port == want->port);
                            CHECK(got->host_header == want->host_header);
                            CHECK(got->request_target == want->request_target);
                            if (got->text == url) ++fast;
                        }
    // The comparison covers URLs taken as they are, not only rewritten ones.
    CHECK(fast > 500);
}
