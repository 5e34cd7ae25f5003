#include "asyncfetch/http/credentials.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::http;

namespace {
http_url url(const char* text) {
    auto parsed = parse_url(text);
    REQUIRE(parsed);
    return *parsed;
}
} // namespace

TEST_CASE("credential headers: the standard three and the ones marked secret, any case") {
    const std::vector<std::string> secret{"X-Api-Key"};
    CHECK(is_credential_header("Authorization", {}));
    CHECK(is_credential_header("cookie", {}));
    CHECK(is_credential_header("PROXY-AUTHORIZATION", {}));
    CHECK(is_credential_header("x-api-key", secret));
    CHECK_FALSE(is_credential_header("X-Api-Key", {}));
    CHECK_FALSE(is_credential_header("Accept", secret));
}

TEST_CASE("credentials follow a redirect only within the origin they were given for") {
    const auto first = url("https://a.example/login");
    CHECK(credentials_may_follow(first, url("https://a.example/next?x=1"), false));
    CHECK(credentials_may_follow(first, url("https://a.example:443/"), false));
    CHECK_FALSE(credentials_may_follow(first, url("https://b.example/"), false));
    CHECK_FALSE(credentials_may_follow(first, url("https://a.example:8443/"), false));
    CHECK_FALSE(credentials_may_follow(first, url("http://a.example/"), false));
}

TEST_CASE("--location-trusted lets them go elsewhere, but never from https to cleartext") {
    CHECK(credentials_may_follow(url("https://a.example/"), url("https://b.example/"), true));
    CHECK(credentials_may_follow(url("http://a.example/"), url("http://b.example:81/"), true));
    CHECK_FALSE(credentials_may_follow(url("https://a.example/"), url("http://a.example/"), true));
    CHECK_FALSE(credentials_may_follow(url("https://a.example/"), url("http://b.example/"), true));
}
