#include "asyncfetch/crawl/domain.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::crawl;

TEST_CASE("domain: registrable domains from the Public Suffix List") {
    CHECK(domain_of("a.b.example.com") == "example.com");
    CHECK(domain_of("www.example.co.uk") == "example.co.uk");
    CHECK(domain_of("a.example.co.uk") != domain_of("b.other.co.uk")); // not "co.uk" for both
    CHECK(domain_of("user.github.io") == "user.github.io");            // a private suffix
    CHECK(domain_of("co.uk") == "co.uk"); // a suffix itself: its own domain
    CHECK(domain_of("127.0.0.1") == "127.0.0.1");
    CHECK(domain_of("10.0.0.1") == "10.0.0.1"); // libpsl alone would say "0.1"
    CHECK(domain_of("::1") == "::1");
    CHECK(domain_of("localhost") == "localhost");
    CHECK(domain_of("xn--bcher-kva.example.de") == "example.de");
}

TEST_CASE("domain: hosts IDNA-encoded and in lower case") {
    CHECK(ascii_host("WWW.Example.ORG") == "www.example.org");
    CHECK(ascii_host("Bücher.example") == "xn--bcher-kva.example");
    CHECK(ascii_host("B%C3%BCcher.example") == "xn--bcher-kva.example");
    CHECK(ascii_host("faß.de") == "xn--fa-hia.de"); // non-transitional, as browsers
    CHECK_FALSE(ascii_host("a\xff\xfe.example"));   // not UTF-8
}
