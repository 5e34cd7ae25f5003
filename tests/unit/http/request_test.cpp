#include "asyncfetch/http/request.hpp"
#include "asyncfetch/http/request_line.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::http;

namespace {

// The method and whether the body survives a redirect with `status`.
std::pair<std::string, bool> after(unsigned status, std::string method) {
    std::string body = "payload";
    follow_redirect_method(status, method, body);
    return {method, !body.empty()};
}

} // namespace

TEST_CASE("methods are RFC 9110 tokens, kept as written") {
    CHECK(*parse_method("PATCH") == "PATCH");
    CHECK(*parse_method("purge") == "purge");
    CHECK_FALSE(parse_method(""));
    CHECK_FALSE(parse_method("GET /"));
    CHECK(parse_method("GE\r\nX").problem().find("not a method") != std::string::npos);
}

TEST_CASE("only idempotent methods may be sent again on their own (RFC 9110 9.2.2)") {
    for (const char* m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
        CHECK(is_idempotent(m));
    for (const char* m : {"POST", "PATCH", "CONNECT", "get"})
        CHECK_FALSE(is_idempotent(m));
}

TEST_CASE("redirects change method and body as curl -L does") {
    CHECK(after(307, "POST") == std::pair<std::string, bool>{"POST", true});
    CHECK(after(308, "PUT") == std::pair<std::string, bool>{"PUT", true});
    CHECK(after(303, "POST") == std::pair<std::string, bool>{"GET", false});
    CHECK(after(303, "PUT") == std::pair<std::string, bool>{"GET", false});
    CHECK(after(303, "HEAD").first == "HEAD");
    CHECK(after(301, "POST") == std::pair<std::string, bool>{"GET", false});
    CHECK(after(302, "POST") == std::pair<std::string, bool>{"GET", false});
    CHECK(after(302, "PUT") == std::pair<std::string, bool>{"PUT", true});
}

TEST_CASE("a request line: url, method, headers, body (text or JSON), id") {
    auto line = parse_request_line(
        R"({"url": "http://h/x", "method": "PUT", "id": 7, "headers": {"X-A": "1"}, "body": "a=b"})");
    REQUIRE(line);
    CHECK(line->req.url == "http://h/x");
    CHECK(line->req.method == "PUT");
    CHECK(line->id == 7);
    CHECK(line->req.body == "a=b");
    CHECK(line->has_body);
    REQUIRE(line->req.headers.size() == 1);

    auto json_body = parse_request_line(R"({"url": "http://h/", "body": {"k": [1, 2]}})");
    REQUIRE(json_body);
    CHECK(json_body->req.body == R"({"k":[1,2]})");
    CHECK(json_body->req.method.empty()); // the flags (or POST) decide
    CHECK(json_body->req.headers.front().second == "application/json");

    auto bare = parse_request_line(R"({"url": "http://h/"})");
    REQUIRE(bare);
    CHECK_FALSE(bare->has_body);
    CHECK(bare->id.is_null());
}

TEST_CASE("a request line's mistakes name the key") {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"url": "http://h/", "headers": {"X": 1}})", "headers.X: expected a string"},
        {R"({"url": 5})", "url: expected a string"},
        {R"({"method": "GET"})", "url: missing"},
        {R"({"url": "ftp://h/"})", "url: invalid URL"},
        {R"({"url": "http://h/", "method": "G T"})", "method: "},
        {R"({"url": "http://h/", "id": [1]})", "id: expected a string or a number"},
        {R"({"url": "http://h/", "body": "", "body_file": "f"})", "body_file: give body or"},
        {R"({"url": "http://h/", "bdy": "x"})", "unknown key 'bdy'"},
        {R"({"url": "http://h/",)", "not a JSON object"},
        {R"({"url": "http://h/", "body_file": 3})", "body_file: expected a file name"},
    };
    for (const auto& [text, expected] : cases) {
        auto line = parse_request_line(text);
        REQUIRE_FALSE(line);
        CHECK_MESSAGE(line.problem().find(expected) != std::string::npos,
                      text << " -> " << line.problem());
    }
}

TEST_CASE("--data: text as is, @FILE read whole, a missing file named") {
    CHECK(*read_data("a=b&c") == "a=b&c");
    CHECK(read_data("@/nonexistent/body").problem().find("/nonexistent/body") != std::string::npos);
    CHECK(read_data("@/").problem().find("not a regular file") != std::string::npos);
}

TEST_CASE("a request line's header with a line break is that line's error, naming the header") {
    auto line = parse_request_line(R"({"url": "http://h/", "headers": {"X-A": "1\r\nX-Evil: 2"}})");
    REQUIRE_FALSE(line);
    CHECK(line.problem() ==
          "headers.X-A: the value of header 'X-A' holds a line break or NUL byte");
}
