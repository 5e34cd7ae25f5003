#include "asyncfetch/crawl/links.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::crawl;

namespace {

http::http_url page_url(const char* url) {
    return http::parse_url(url).value();
}

} // namespace

TEST_CASE("links: <a href> resolved, normalised, once each, in document order") {
    const char* html = R"html(<!doctype html><html><head>
        <link rel="stylesheet" href="/style.css"><title>t</title></head><body>
        <a href="b.html#part">b</a>
        <A HREF="HTTP://127.0.0.1:80/Dir/../c.html">c</A>
        <a href=" ./b.html ">b again</a>
        <a href="mailto:someone@example.org">mail</a>
        <a href="javascript:void(0)">js</a>
        <a href="https://127.0.0.2:443/x?q=1">other host</a>
        <p><img src="/img.png"><a>no href</a><a href="http://[::1">broken</a></p>
        <map><area href="/area"></map>
        </body></html>)html";
    const auto links = extract_links(html, page_url("http://127.0.0.1/dir/index.html"), {});
    const std::vector<std::string> want{"http://127.0.0.1/dir/b.html", "http://127.0.0.1/c.html",
                                        "https://127.0.0.2/x?q=1", "http://127.0.0.1/area"};
    CHECK(links == want);
}

TEST_CASE("links: assets when asked, <base href>, sorted queries") {
    const char* html = R"(<html><head><base href="http://127.0.0.1/base/">
        <link href="s.css"></head><body><img src="i.png"><a href="p?b=2&a=1">p</a></body></html>)";
    const auto plain = extract_links(html, page_url("http://127.0.0.1/"), {});
    CHECK(plain == std::vector<std::string>{"http://127.0.0.1/base/p?b=2&a=1"});
    const auto all = extract_links(html, page_url("http://127.0.0.1/"), {true, true});
    CHECK(all == std::vector<std::string>{"http://127.0.0.1/base/s.css",
                                          "http://127.0.0.1/base/i.png",
                                          "http://127.0.0.1/base/p?a=1&b=2"});
}

TEST_CASE("links: broken HTML still parses, deep nesting does not overflow") {
    std::string deep;
    for (int i = 0; i < 20000; ++i)
        deep += "<div>";
    deep += "<a href='/deep'>x</a><a href='/unclosed";
    const auto links = extract_links(deep, page_url("http://127.0.0.1/"), {});
    REQUIRE(links.size() >= 1);
    CHECK(links.front() == "http://127.0.0.1/deep");
}

TEST_CASE("links: HTML content types") {
    CHECK(is_html("text/html"));
    CHECK(is_html("Text/HTML; charset=utf-8"));
    CHECK(is_html("application/xhtml+xml"));
    CHECK_FALSE(is_html("application/json"));
    CHECK_FALSE(is_html(""));
}
