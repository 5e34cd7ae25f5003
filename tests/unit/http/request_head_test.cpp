#include "../../../src/http/plain_io.hpp"

#include <boost/beast/http.hpp>

#include <doctest/doctest.h>

#include <sstream>

namespace bhttp = boost::beast::http;
using request_message = bhttp::request<bhttp::span_body<const char>>;

namespace {

// What Beast's serializer writes for the message.
std::string serialized(const request_message& req) {
    std::ostringstream out;
    out << req;
    return out.str();
}

std::string formatted(const request_message& req) {
    std::string out = "left over";
    asyncfetch::http::detail::request_head(req.base(), out);
    out.append(req.body().data(), req.body().size());
    return out;
}

} // namespace

TEST_CASE("a request's head is what Beast's serializer writes") {
    const std::string body = "{\"id\": 1, \"pad\": \"xxxx\"}";
    const std::vector<std::string> methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PROPFIND"};
    const std::vector<std::string> targets = {"/", "/small.txt?i=1", "http://h:8/a?b=c%20d"};
    for (const auto& method : methods) {
        for (const auto& target : targets) {
            for (const bool with_body : {false, true}) {
                request_message req;
                req.method_string(method);
                req.target(target);
                req.version(11);
                req.set("Host", "127.0.0.1:8080");
                req.set("User-Agent", "asyncfetch/1");
                req.set("Accept", "*/*");
                req.set("X-Empty", "");
                req.set("x-lower-case", "value with  spaces");
                req.insert("X-Twice", "1");
                req.insert("X-Twice", "2");
                if (with_body) req.body() = boost::span<const char>(body.data(), body.size());
                if (with_body || method == "POST") req.prepare_payload();
                REQUIRE(!req.chunked());
                CHECK(formatted(req) == serialized(req));
            }
        }
    }
}

TEST_CASE("HTTP/1.0 in a request's head") {
    request_message req;
    req.method(bhttp::verb::get);
    req.target("/");
    req.version(10);
    CHECK(formatted(req) == serialized(req));
    CHECK(formatted(req) == "GET / HTTP/1.0\r\n\r\n");
}
