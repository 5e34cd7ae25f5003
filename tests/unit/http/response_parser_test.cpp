#include "../../../src/http/response_parser.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <doctest/doctest.h>

#include <vector>

using asyncfetch::http::detail::response;
using asyncfetch::http::detail::response_parser;
namespace bhttp = boost::beast::http;

namespace {

// Feeds `bytes` to a fresh parser one byte at a time (the field and body
// callbacks then see every split); the error that stopped it, if any.
boost::system::error_code parse(response_parser& parser, std::string_view bytes) {
    boost::system::error_code ec;
    std::string pending;
    for (const char c : bytes) {
        pending += c;
        const auto used = parser.put(boost::asio::buffer(pending), ec);
        pending.erase(0, used);
        if (ec == bhttp::error::need_more) ec = {};
        if (ec || parser.is_done()) break;
    }
    return ec;
}

const std::vector<std::string> recorded = {"X-Request-Id"};

} // namespace

TEST_CASE("response parser: an interim response's fields are not the response's") {
    response resp;
    response_parser interim(recorded, resp);
    REQUIRE_FALSE(parse(interim, "HTTP/1.1 103 Early Hints\r\nLocation: /wrong\r\n"
                                 "X-Request-Id: interim\r\nSet-Cookie: a=1\r\n\r\n"));
    CHECK(interim.status() == 103);
    CHECK(resp.location.empty());
    CHECK(resp.recorded.empty());
    CHECK(resp.set_cookies.empty());
    CHECK(resp.reason.empty());

    response_parser final_one(recorded, resp);
    final_one.body_limit(100);
    REQUIRE_FALSE(parse(final_one, "HTTP/1.1 302 Found\r\nLocation: /right\r\n"
                                   "X-Request-Id: final\r\nContent-Length: 2\r\n\r\nhi"));
    CHECK(final_one.status() == 302);
    CHECK(resp.reason == "Found");
    CHECK(resp.location == "/right");
    REQUIRE(resp.recorded.size() == 1);
    CHECK(resp.recorded[0].second == "final");
    CHECK(resp.body == "hi");
}

TEST_CASE("response parser: trailers are not header fields, chunks are the body") {
    response resp;
    response_parser parser(recorded, resp);
    parser.body_limit(100);
    REQUIRE_FALSE(parse(parser, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n"
                                "Location: /trailer\r\nX-Request-Id: trailer\r\n\r\n"));
    CHECK(parser.is_done());
    CHECK(resp.body == "abcde");
    CHECK(resp.location.empty());
    CHECK(resp.recorded.empty());
}

TEST_CASE("response parser: the body limit holds for chunked and length-delimited bodies") {
    response chunked;
    response_parser by_chunks(recorded, chunked);
    by_chunks.body_limit(4);
    CHECK(parse(by_chunks, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n") == bhttp::error::body_limit);
    CHECK(chunked.body.size() <= 4);

    response by_length;
    response_parser declared(recorded, by_length);
    declared.body_limit(4);
    CHECK(parse(declared, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789") ==
          bhttp::error::body_limit);
    CHECK(by_length.body.empty());
}

TEST_CASE("response parser: no reason phrase is the status code's usual one, and a length past "
          "what memory holds is an error, not an exception") {
    response resp;
    response_parser parser(recorded, resp);
    parser.body_limit(100);
    REQUIRE_FALSE(parse(parser, "HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n"));
    CHECK(resp.reason == "Service Unavailable");

    // --max-body as large as it may be set: a Content-Length past what
    // memory or a string can hold fails the response as its body starts,
    // and nothing is thrown out of the parser (it would end the event loop).
    // 2^62 is an allocation that fails (bad_alloc); AddressSanitizer aborts
    // on an allocation that size instead of failing it, so there only 2^63
    // (past the string's max_size(), refused before allocating) runs.
#if defined(__SANITIZE_ADDRESS__)
    const std::vector<const char*> lengths = {"9223372036854775808"};
#else
    const std::vector<const char*> lengths = {"4611686018427387904", "9223372036854775808"};
#endif
    for (const char* length : lengths) {
        CAPTURE(length);
        response huge;
        response_parser unbounded(recorded, huge);
        unbounded.body_limit(boost::none);
        const auto ec = parse(unbounded, std::string("HTTP/1.1 200 OK\r\nContent-Length: ") +
                                             length + "\r\n\r\nx");
        CHECK((ec == bhttp::error::body_limit || ec == boost::system::errc::not_enough_memory));
    }
}
