#include "asyncfetch/http/options_parse.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace asyncfetch::http;

TEST_CASE("a header flag is 'Name: value'") {
    CHECK(*parse_header_line("Accept: text/html") == header{"Accept", "text/html"});
    CHECK(*parse_header_line("X-Empty:") == header{"X-Empty", ""});
    CHECK(parse_header_line("NoColon").problem() == "expected 'Name: value', got 'NoColon'");
    CHECK(parse_header_line(": v").problem() == "expected 'Name: value', got ': v'");
}

TEST_CASE("--header-env NAME=VAR takes the value from the environment, never quoting it") {
    ::setenv("ASYNCFETCH_TEST_TOKEN", "Bearer abc", 1);
    CHECK(*parse_header_env("Authorization=ASYNCFETCH_TEST_TOKEN") ==
          header{"Authorization", "Bearer abc"});
    ::unsetenv("ASYNCFETCH_TEST_TOKEN");
    CHECK(parse_header_env("Authorization=ASYNCFETCH_TEST_TOKEN").problem() ==
          "environment variable ASYNCFETCH_TEST_TOKEN is not set");
    CHECK(parse_header_env("Authorization").problem() == "expected NAME=VAR, got 'Authorization'");
    CHECK(parse_header_env("=VAR").problem() == "expected NAME=VAR, got '=VAR'");
}

TEST_CASE("a header with a line break or NUL, or a name that is no token, is refused without "
          "quoting the value") {
    CHECK(parse_header_line("X-A: 1\r\nX-Evil: 2").problem() ==
          "the value of header 'X-A' holds a line break or NUL byte");
    CHECK(parse_header_line("X A: 1").problem().find("is not a header name") != std::string::npos);
    ::setenv("ASYNCFETCH_TEST_TOKEN", "secret\nX-Evil: 1", 1);
    const auto from_env = parse_header_env("Authorization=ASYNCFETCH_TEST_TOKEN");
    ::unsetenv("ASYNCFETCH_TEST_TOKEN");
    REQUIRE_FALSE(from_env);
    CHECK(from_env.problem().find("secret") == std::string::npos);
}

TEST_CASE("a config's http_version is auto, 1.1 or 2") {
    CHECK(*parse_http_version("auto") == http_version::automatic);
    CHECK(*parse_http_version("1.1") == http_version::http1_1);
    CHECK(*parse_http_version("2") == http_version::http2);
    CHECK(parse_http_version("3").problem() == "'3' is no HTTP version (auto, 1.1 or 2)");
}
