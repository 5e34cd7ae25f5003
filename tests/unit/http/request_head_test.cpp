#include "../../../src/http/request_head.hpp"

#include <boost/beast/http.hpp>

#include <doctest/doctest.h>

#include <sstream>

namespace bhttp = boost::beast::http;
using asyncfetch::http::detail::head_outcome;
using asyncfetch::http::detail::head_parts;
using asyncfetch::http::detail::request_head;
using field_list = std::vector<std::pair<std::string, std::string>>;

namespace {

// What Beast's serializer writes for the message the client would build
// from the same parts (exchange.cpp's send_request, before request_head).
std::string beast_serialized(const head_parts& parts) {
    bhttp::request<bhttp::span_body<const char>> req;
    req.method_string(parts.method);
    req.target(parts.target);
    if (!parts.proxy_authorization.empty())
        req.set(bhttp::field::proxy_authorization, parts.proxy_authorization);
    req.version(11);
    for (const auto& [name, value] : parts.fields)
        req.set(name, value);
    req.body() = boost::span<const char>(parts.body.data(), parts.body.size());
    if (parts.with_length) req.prepare_payload();
    std::ostringstream out;
    out << req;
    return out.str();
}

std::string written(const head_parts& parts) {
    std::string out = "left over";
    REQUIRE(request_head(parts, out) == head_outcome::written);
    out.append(parts.body);
    return out;
}

} // namespace

TEST_CASE("a request's head is what Beast's serializer writes for the same message") {
    const std::string body = "{\"id\": 1, \"pad\": \"xxxx\"}";
    const field_list plain = {{"Host", "127.0.0.1:8080"},
                              {"User-Agent", "asyncfetch/1"},
                              {"Accept", "*/*"},
                              {"X-Empty", ""},
                              {"x-lower-case", "value with  spaces "},
                              {"X-Padded", " \t padded\t "},
                              {"X-Blank", " \t "}};
    field_list twice = plain;
    twice.emplace_back("x-twice", "1");
    twice.emplace_back("Accept", "text/html"); // replaces the first Accept, here
    twice.emplace_back("X-Twice", "2");
    field_list proxy_given = plain;
    proxy_given.emplace_back("proxy-authorization", "Basic given");
    const std::vector<const field_list*> field_lists = {&plain, &twice, &proxy_given};
    const std::vector<std::string> methods = {"GET",   "HEAD",    "POST",     "PUT", "DELETE",
                                              "PATCH", "OPTIONS", "PROPFIND", "get"};
    const std::vector<std::string> targets = {"/", "/small.txt?i=1", "http://h:8/a?b=c%20d"};
    int compared = 0;
    for (const auto& method : methods)
        for (const auto& target : targets)
            for (const field_list* fields : field_lists)
                for (const std::string_view proxy : {"", "Basic cHJveHk6c2VjcmV0"})
                    for (const bool with_body : {false, true})
                        for (const bool with_length : {false, true}) {
                            const head_parts parts{method,
                                                   target,
                                                   proxy,
                                                   *fields,
                                                   with_body ? std::string_view(body) : "",
                                                   with_length};
                            CAPTURE(method);
                            CAPTURE(target);
                            CAPTURE(proxy);
                            CAPTURE(with_body);
                            CAPTURE(with_length);
                            CHECK(written(parts) == beast_serialized(parts));
                            ++compared;
                        }
    CHECK(compared == 9 * 3 * 3 * 2 * 2 * 2);
}

TEST_CASE("a request whose framing Beast rewrites is left to Beast") {
    std::string out;
    const field_list te = {{"Host", "h"}, {"transfer-encoding", "chunked"}};
    const field_list length = {{"Host", "h"}, {"Content-Length", "5"}};
    const field_list fine = {{"Host", "h"}};
    CHECK(head_outcome::leave_to_beast == request_head({"GET", "/", "", te, "", false}, out));
    CHECK(head_outcome::leave_to_beast ==
          request_head({"POST", "/", "", length, "hello", true}, out));
    CHECK(head_outcome::leave_to_beast == request_head({"TRACE", "/", "", fine, "x", true}, out));
    const field_list huge = {{"Host", "h"}, {"X-Huge", std::string(70000, 'x')}};
    CHECK(head_outcome::leave_to_beast == request_head({"GET", "/", "", huge, "", false}, out));
    REQUIRE(head_outcome::written == request_head({"TRACE", "/", "", fine, "", false}, out));
    CHECK(out == "TRACE / HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE(head_outcome::written == request_head({"POST", "/p", "", fine, "", true}, out));
    CHECK(out == "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("a line break or NUL where none may be is refused, whatever brought it") {
    std::string out;
    const field_list broken_value = {{"Host", "h"}, {"Cookie", "a=1\r\nX-Evil: 1"}};
    const field_list bare_lf = {{"Host", "h\nX-Evil: 1"}};
    const field_list nul = {{"Host", "h"}, {"X-A", std::string("a\0b", 3)}};
    const field_list bad_name = {{"Host", "h"}, {"X-A\r\nX-Evil", "1"}};
    const field_list fine = {{"Host", "h"}};
    for (const auto* fields : {&broken_value, &bare_lf, &nul, &bad_name}) {
        CHECK(request_head({"GET", "/", "", *fields, "", false}, out) == head_outcome::refused);
        CHECK(out.find("X-Evil: 1") == std::string::npos); // the reason quotes no value
    }
    CHECK(request_head({"GET", "/\r\nX-Evil: 1", "", fine, "", false}, out) ==
          head_outcome::refused);
    CHECK(request_head({"GET", "/", "Basic a\r\nb", fine, "", false}, out) ==
          head_outcome::refused);
}
