#include "asyncfetch/crawl/normalize.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::crawl;

TEST_CASE("normalize: RFC 3986 section 6 before dedup") {
    // Case, default port, fragment, dot segments, empty path.
    CHECK(normalize_url("HTTP://127.0.0.1:80/a/./b/../c#frag", false) == "http://127.0.0.1/a/c");
    CHECK(normalize_url("https://127.0.0.1:443", false) == "https://127.0.0.1/");
    CHECK(normalize_url("http://Example.COM:8080", false) == "http://example.com:8080/");
    // Percent-encoding: hex in upper case, unreserved characters decoded.
    CHECK(normalize_url("http://h.example/%7euser/%61b?q=%3d%41%2f&r=%c3%a9", false) ==
          "http://h.example/~user/ab?q=%3DA%2F&r=%C3%A9");
    CHECK(normalize_url("http://h.example/a/%2E%2E/b", false) == "http://h.example/b");
    // Query order only with sort_query; an empty query differs from none.
    CHECK(normalize_url("http://127.0.0.1:8080/?z=1&a=2", true) ==
          "http://127.0.0.1:8080/?a=2&z=1");
    CHECK(normalize_url("http://127.0.0.1:8080/?z=1&a=2", false) ==
          "http://127.0.0.1:8080/?z=1&a=2");
    // IDNA hosts and non-ASCII paths, as browsers send them.
    CHECK(normalize_url("http://Bücher.example/straße ä", false) ==
          "http://xn--bcher-kva.example/stra%C3%9Fe%20%C3%A4");
    CHECK(normalize_url("http://[::1]:8080/x", false) == "http://[::1]:8080/x");
    CHECK_FALSE(normalize_url("ftp://127.0.0.1/", false));
    CHECK_FALSE(normalize_url("http://a\xff.example/", false));
}

TEST_CASE("normalize: references made ASCII before resolving") {
    CHECK(ascii_reference("/ä?x=é#ö") == "/%C3%A4?x=%C3%A9#%C3%B6");
    CHECK(ascii_reference("//Bücher.example:81/p") == "//xn--bcher-kva.example:81/p");
    CHECK(ascii_reference("https://u@BÜCHER.example/") == "https://u@xn--bcher-kva.example/");
    CHECK(ascii_reference("a b") == "a%20b");
}
