#include "asyncfetch/crawl/html_page.hpp"

#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/crawl/xpath.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::crawl;

namespace {

http::http_url page(const char* url) {
    return http::parse_url(url).value();
}

} // namespace

TEST_CASE("html page: title, canonical, meta robots, rel=nofollow") {
    const char* html = R"(<!doctype html><html><head>
        <title>  The
          Title </title><link rel="Canonical" href="/Canon/../c.html#x">
        <meta name="ROBOTS" content="NoIndex, follow"></head><body>
        <a href="/a" rel="nofollow ugc">a</a><a href="/b">b</a><a href="/a">a again</a>
        <title>not the title</title></body></html>)";
    const auto p = read_html(html, page("http://127.0.0.1/dir/"), {});
    CHECK(p.title == "The Title");
    CHECK(p.canonical == "http://127.0.0.1/c.html");
    CHECK(p.noindex);
    CHECK_FALSE(p.nofollow);
    CHECK(p.links == std::vector<std::string>{"http://127.0.0.1/a", "http://127.0.0.1/b"});
    // The second /a has no rel=nofollow: that link may be followed.
    CHECK(p.follow == std::vector<std::string>{"http://127.0.0.1/b", "http://127.0.0.1/a"});

    const auto none = read_html("<meta name=asyncfetch content=none><a href=/x>x</a>",
                                page("http://127.0.0.1/"), {});
    CHECK(none.noindex);
    CHECK(none.nofollow);
    CHECK_FALSE(none.title);
    CHECK_FALSE(none.canonical);
    const auto other = read_html("<meta name=otherbot content=noindex>", page("http://h/"), {});
    CHECK_FALSE(other.noindex);
}

TEST_CASE("html page: XPath over gumbo's HTML5 tree") {
    // HTML5 puts the stray <td> text and the unclosed <p>s where browsers do;
    // libxml2's HTML4 parser would not.
    const char* html = R"(<html><head><title>T</title></head><body>
        <p class="price">1</p><p class="price">2</p><table><tr><td>cell</td></tr></table>
        <svg><circle r="4"/></svg><custom-el data-x="y">z</custom-el>
        <a href="/one">One</a><a href="/two">Two</a></body></html>)";
    html_options o;
    o.extract = {{"title", "//title"},
                 {"prices", "//p[@class='price']/text()"},
                 {"hrefs", "//a/@href"},
                 {"count", "count(//a)"},
                 {"first", "string(//a[1])"},
                 {"has_table", "boolean(//table/tbody/tr/td)"},
                 {"custom", "//custom-el/@data-x"},
                 {"svg", "count(//svg/circle)"},
                 {"nothing", "//nav"}};
    const auto p = read_html(html, page("http://127.0.0.1/"), o);
    const auto& x = p.extracted;
    CHECK(x["title"] == nlohmann::ordered_json::array({"T"}));
    CHECK(x["prices"] == nlohmann::ordered_json::array({"1", "2"}));
    CHECK(x["hrefs"] == nlohmann::ordered_json::array({"/one", "/two"}));
    CHECK(x["count"] == 2.0);
    CHECK(x["first"] == "One");
    CHECK(x["has_table"] == true); // the <tbody> HTML5 inserts
    CHECK(x["custom"] == nlohmann::ordered_json::array({"y"}));
    CHECK(x["svg"] == 1.0);
    CHECK(x["nothing"] == nlohmann::ordered_json::array());
}

TEST_CASE("html page: XPath checked when given, deep documents") {
    CHECK(xpath_problem("//a[") == "invalid XPath '//a['");
    CHECK(xpath_problem("//a/@href") == "");
    CHECK(parse_extraction("t=//title").value().name == "t");
    CHECK(parse_extraction("//title").problem() == "'//title' is not NAME=XPATH");
    CHECK(parse_extraction("t=//a[").problem() == "invalid XPath '//a['");

    std::string deep;
    for (int i = 0; i < 20000; ++i)
        deep += "<div>";
    deep += "<b>end</b>";
    html_options o;
    o.extract = {{"b", "count(//b)"}, {"text", "string(/)"}, {"divs", "count(//div)"}};
    const auto p = read_html(deep, page("http://127.0.0.1/"), o);
    CHECK(p.extracted["b"] == 1.0);
    CHECK(p.extracted["text"] == "end");
    CHECK(p.extracted["divs"] == 20000.0);
}
