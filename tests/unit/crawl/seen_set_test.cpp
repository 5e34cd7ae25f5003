// The compact seen set: OpenSSL's SipHash-2-4 keyed and read as its authors specify, no URL lost
// or invented over a million, and the bytes a URL costs.
#include "asyncfetch/crawl/seen_set.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace asyncfetch::crawl;

namespace {

const std::array<std::uint64_t, 2> reference_key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};

std::string url(std::size_t i) {
    return "http://127.0.0.1:8080/p/" + std::to_string(i) + ".html";
}

} // namespace

TEST_CASE("siphash24 gives the reference implementation's test vectors") {
    // Key 00..0f; messages of 0 and 15 bytes 00, 01, ... (vectors.h, SipHash-2-4 64-bit).
    std::string message;
    const siphash24 hash(reference_key);
    CHECK(hash(message) == 0x726fdb47dd0e0e31ULL);
    for (int i = 0; i < 15; ++i)
        message += static_cast<char>(i);
    CHECK(hash(message) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("seen_set: a million URLs each new once, found again, none invented") {
    seen_set seen;
    constexpr std::size_t n = 1000000;
    std::size_t new_ones = 0;
    for (std::size_t i = 0; i < n; ++i)
        new_ones += seen.insert(url(i));
    CHECK(new_ones == n);
    CHECK(seen.size() == n);
    std::size_t again = 0, found = 0, invented = 0;
    for (std::size_t i = 0; i < n; i += 7)
        again += seen.insert(url(i)); // already there
    for (std::size_t i = 0; i < n; i += 3)
        found += seen.contains(url(i));
    for (std::size_t i = n; i < 2 * n; ++i)
        invented += seen.contains(url(i));
    CHECK(again == 0);
    CHECK(found == (n + 2) / 3);
    CHECK(invented == 0);
    CHECK(seen.size() == n);
    const double per_url = double(seen.memory()) / double(seen.size());
    MESSAGE("seen set: ", per_url, " bytes a URL at ", n, " URLs");
    CHECK(per_url <= 21.4);
}

TEST_CASE("seen_set: the key changes every hash, and the empty set has nothing") {
    seen_set a(reference_key), b({1, 2});
    CHECK_FALSE(a.contains("http://a/"));
    CHECK(a.memory() == 0);
    CHECK(a.insert("http://a/"));
    CHECK_FALSE(a.insert("http://a/"));
    CHECK(a.contains("http://a/"));
    CHECK_FALSE(a.contains("http://a"));
    CHECK(siphash24(reference_key)("http://a/") != siphash24({1, 2})("http://a/"));
    CHECK_FALSE(b.contains("http://a/"));
}
