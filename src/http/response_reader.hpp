// Reading one HTTP/1.1 response, bounded in every part, for the client's I/O
// (exchange.cpp alone calls read_response: it keeps the Beast instantiations
// in one translation unit). A hostile server can make its own URL fail, but cannot
// grow memory without limit or hand a response to the wrong request.
#pragma once

#include "asyncfetch/core/use_tuple.hpp"
#include "download.hpp"
#include "plain_io.hpp"
#include "response_parser.hpp"

#include "asyncfetch/core/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <new>
#include <optional>
#include <string>

namespace asyncfetch::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

// What one response may make us store, besides the body (--max-body). The
// read buffer's cap is the only bound Beast 1.81 offers on a chunk-size line
// with its extensions and on the trailer section: each must fit whole before
// the parser looks at it, and a full buffer fails with buffer_overflow.
constexpr std::uint32_t max_header_bytes = 64 * 1024; // status line and header fields
constexpr std::size_t read_buffer_bytes = 2 * max_header_bytes;
constexpr int max_interim_responses = 8; // 100, 102, 103 before the final response

// How one request attempt failed, phrased for the record.
struct failure {
    error_code ec;
    bool connect_failed = false;
    std::string message; // "phase: what happened"

    explicit operator bool() const noexcept { return static_cast<bool>(ec); }
};

inline failure fail(const std::string& phase, error_code ec, bool connect_failed = false) {
    return {ec, connect_failed, phase + ": " + ec.message()};
}

// Errors that mean a reused keep-alive connection had been closed by the
// server while idle: the request never reached it, so sending again is safe.
inline bool is_stale_connection(const error_code& ec) {
    return ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == bhttp::error::end_of_stream ||
           ec == asio::ssl::error::stream_truncated;
}

// A failed read, phrased for the record. After any of these the stream's
// state is unknown: the connection is never reused.
inline failure read_failure(const error_code& ec, bool got_some) {
    const auto too_large = [](const std::string& what, std::size_t bound) {
        return failure{make_error_code(errc::response_too_large), false,
                       "response: " + what + " too large (over " + std::to_string(bound / 1024) +
                           " KiB)"};
    };
    if (ec == beast::error::timeout)
        return fail("response", make_error_code(errc::request_timeout));
    if (ec == bhttp::error::body_limit)
        return fail("response", make_error_code(errc::body_too_large));
    if (ec == bhttp::error::header_limit) return too_large("headers", max_header_bytes);
    if (ec == bhttp::error::buffer_overflow)
        return too_large("chunk line or trailers", read_buffer_bytes);
    if (ec == boost::system::errc::not_enough_memory)
        return failure{ec, false, "response: out of memory for the body (" + ec.message() + ")"};
    if (ec == bhttp::error::partial_message || (got_some && is_stale_connection(ec))) {
        return failure{make_error_code(errc::connection_closed), false,
                       "response: connection closed before the response was complete (" +
                           ec.message() + ")"};
    }
    return fail("response", ec);
}

// One read of a response (`whole`: to its end; else its header): Beast's
// operations on a TLS stream, plain_io's on a plain socket.
template <class Stream>
asio::awaitable<io_result> read_message(Stream& stream, beast::flat_buffer& buffer,
                                        bhttp::basic_parser<false>& parser, bool whole) {
    if (whole) return bhttp::async_read(stream, buffer, parser, use_tuple);
    return bhttp::async_read_header(stream, buffer, parser, use_tuple);
}

inline asio::awaitable<io_result> read_message(plain_stream& stream, beast::flat_buffer& buffer,
                                               bhttp::basic_parser<false>& parser, bool whole) {
    return read_plain(stream, buffer, parser, whole);
}

// Reads the final response to one request on `stream`: interim 1xx responses
// are read past (each is a complete message to Beast, so a fresh parser
// reads on from the same buffer), bounded in number and size. The response
// to a HEAD has no body, whatever its Content-Length says.
// With `save`, a 2xx body goes to it instead (a 206 only when it answers
// the Range we sent for its offset).
template <class Stream>
asio::awaitable<failure>
read_response(Stream& stream, beast::flat_buffer& buffer, std::uint64_t max_body, bool head_request,
              download* save, const std::vector<std::string>& record_headers, response& resp) {
    // A header section that fails part way gives the response none of its
    // fields. (A body that fails keeps the header's fields, as before: the
    // record of that failure shows --record-headers.)
    auto failed = [&resp](failure f) {
        const bool got_some = resp.got_some;
        resp = response{};
        resp.got_some = got_some;
        return f;
    };
    std::optional<response_parser> parser;
    std::size_t interim_bytes = 0;
    for (int interim = 0;; ++interim) {
        parser.emplace(record_headers, resp);
        parser->header_limit(max_header_bytes);
        // A body that may be saved has the download's limit, checked as it
        // streams; Beast would refuse its Content-Length at the header.
        if (save)
            parser->body_limit(boost::none);
        else
            parser->body_limit(max_body);
        parser->skip(head_request);
        auto [ec, read] = co_await read_message(stream, buffer, *parser, false);
        resp.got_some = resp.got_some || parser->got_some();
        if (ec) co_return failed(read_failure(ec, resp.got_some));
        if (parser->status() / 100 != 1) break;
        if (parser->status() == 101) {
            co_return failure{make_error_code(errc::unasked_response), false,
                              "response: 101 Switching Protocols to a request that asked for "
                              "no upgrade"};
        }
        interim_bytes += read;
        if (interim == max_interim_responses || interim_bytes > max_header_bytes) {
            co_return failure{make_error_code(errc::unasked_response), false,
                              "response: more than " + std::to_string(max_interim_responses) +
                                  " interim (1xx) responses, or over " +
                                  std::to_string(max_header_bytes / 1024) + " KiB of them"};
        }
    }

    // The header section's fields are in `resp` (the parser's take_field).
    resp.status = parser->status();
    const bool header_keep_alive = parser->keep_alive();

    if (save && resp.status / 100 == 2 && !head_request) {
        const auto start = range_start(resp.content_range);
        const bool answers_range =
            resp.status == 206 && save->offset() > 0 && start && *start == save->offset();
        if (resp.status == 206 && !answers_range) {
            // Bytes we did not ask for: unread, the connection closes.
            resp.range_rejected = true;
            co_return failure{};
        }
        if (!(answers_range ? save->go_on() : save->start_over()))
            co_return failure{make_error_code(boost::system::errc::io_error), false,
                              "save: " + save->error()};
        // The body streams to the file: only the read buffer is in memory.
        parser->save_to(save);
        auto [ec, read] = co_await read_message(stream, buffer, *parser, true);
        if (ec && !save->error().empty()) co_return failure{ec, false, "save: " + save->error()};
        if (ec == bhttp::error::body_limit)
            co_return failure{make_error_code(errc::body_too_large), false,
                              "save: body larger than --max-body"};
        if (ec) co_return read_failure(ec, true);
        resp.keep_alive = header_keep_alive && parser->keep_alive() && buffer.size() == 0;
        resp.saved = true;
        co_return failure{};
    }
    // A body read into memory: --max-body. Beast checks a Content-Length
    // against it only at the header, so that check is made here too.
    parser->body_limit(max_body);
    if (save && parser->content_length() && *parser->content_length() > max_body)
        co_return read_failure(bhttp::error::body_limit, true);

    auto [ec, read] = co_await read_message(stream, buffer, *parser, true);
    if (ec) co_return read_failure(ec, true);
    // Bytes beyond the response answer no request of ours: whatever they
    // are, the connection no longer lines up with requests.
    resp.keep_alive = header_keep_alive && parser->keep_alive() && buffer.size() == 0;
    co_return failure{};
}

} // namespace asyncfetch::http::detail
