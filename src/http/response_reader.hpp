// Reading one HTTP/1.1 response, bounded in every part, for the client's I/O
// (exchange.cpp alone calls read_response: it keeps the Beast instantiations
// in one translation unit). A hostile server can make its own URL fail, but cannot
// grow memory without limit or hand a response to the wrong request.
#pragma once

#include "download.hpp"
#include "plain_io.hpp"

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

// What a response told us that the redirect, decode and retry steps need.
// The fields come from the header section only: trailers cannot redirect,
// set an encoding or anything else.
struct response {
    unsigned status = 0;
    std::string reason, location, content_encoding, content_type, retry_after, body;
    std::string content_range;
    std::string etag, last_modified;      // the validators (--cache)
    std::vector<std::string> set_cookies; // bounded by the header section's cap
    std::vector<std::pair<std::string, std::string>> recorded; // --record-headers
    bool keep_alive = false;     // the connection may carry the next request
    bool got_some = false;       // any byte of a response arrived
    bool saved = false;          // the body went to the download, not `body`
    bool range_rejected = false; // a 206 for other bytes than asked: not read
};

// Header fields as (name, value), in order.
using field_list = std::vector<std::pair<std::string, std::string>>;

// message_fields.cpp: what one response header field tells the client
// (the same for HTTP/1.1 and HTTP/2).
void take_field(std::string_view name, std::string_view value,
                const std::vector<std::string>& record_headers, response& resp);

// Errors that mean a reused keep-alive connection had been closed by the
// server while idle: the request never reached it, so sending again is safe.
inline bool is_stale_connection(const error_code& ec) {
    return ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == bhttp::error::end_of_stream ||
           ec == asio::ssl::error::stream_truncated;
}

// Beast's string_body, except that an allocation failure fails this response
// with an error code instead of escaping from the read operation's handler
// (where it would end the event loop, and with it every other target).
struct guarded_string_body {
    using value_type = std::string;

    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(bhttp::header<isRequest, Fields>& h, value_type& body) : inner_(h, body) {}

        void init(const boost::optional<std::uint64_t>& length, error_code& ec) {
            guarded(ec, [&] { inner_.init(length, ec); });
        }
        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
            std::size_t used = 0;
            guarded(ec, [&] { used = inner_.put(buffers, ec); });
            return used;
        }
        void finish(error_code& ec) { inner_.finish(ec); }

    private:
        template <class F>
        static void guarded(error_code& ec, F&& f) {
            try {
                f();
            } catch (const std::bad_alloc&) {
                ec = make_error_code(boost::system::errc::not_enough_memory);
            }
        }
        bhttp::string_body::reader inner_;
    };
};

using response_parser = bhttp::response_parser<guarded_string_body>;

// A body that goes to a download as it arrives (--save): only the read
// buffer is ever in memory.
struct download_body {
    using value_type = download*;

    class reader {
    public:
        template <bool isRequest, class Fields>
        // Made with the parser, before the download is set: it is read at put().
        reader(bhttp::header<isRequest, Fields>&, value_type& d) : d_(d) {}

        void init(const boost::optional<std::uint64_t>&, error_code& ec) { ec = {}; }
        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
            ec = {};
            std::size_t used = 0;
            for (const auto b : beast::buffers_range_ref(buffers)) {
                if (!d_->write({static_cast<const char*>(b.data()), b.size()})) {
                    ec = d_->too_large() ? error_code(bhttp::error::body_limit)
                                         : make_error_code(boost::system::errc::io_error);
                    return used;
                }
                used += b.size();
            }
            return used;
        }
        void finish(error_code& ec) { ec = {}; }

    private:
        value_type& d_;
    };
};

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
    constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
    if (whole) return bhttp::async_read(stream, buffer, parser, use_tuple);
    return bhttp::async_read_header(stream, buffer, parser, use_tuple);
}

inline asio::awaitable<io_result> read_message(plain_stream& stream, beast::flat_buffer& buffer,
                                               bhttp::basic_parser<false>& parser, bool whole) {
    return read_plain(stream, buffer, parser, whole);
}

// --save: the rest of a 2xx response, its body streamed to `save`. A
// coroutine of its own, so that its parser is not in read_response's frame:
// that frame then fits Asio's recycled blocks (at most 1,020 bytes) instead
// of going to malloc for every response.
template <class Stream>
asio::awaitable<failure> read_to_download(Stream& stream, beast::flat_buffer& buffer,
                                          response_parser& header_read, download* save,
                                          bool header_keep_alive, response& resp) {
    bhttp::response_parser<download_body> to_file(std::move(header_read));
    to_file.body_limit(boost::none); // the download's own limit
    to_file.get().body() = save;
    auto [ec, read] = co_await read_message(stream, buffer, to_file, true);
    if (ec && !save->error().empty()) co_return failure{ec, false, "save: " + save->error()};
    if (ec == bhttp::error::body_limit)
        co_return failure{make_error_code(errc::body_too_large), false,
                          "save: body larger than --max-body"};
    if (ec) co_return read_failure(ec, true);
    resp.keep_alive = header_keep_alive && to_file.keep_alive() && buffer.size() == 0;
    resp.saved = true;
    co_return failure{};
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
    std::optional<response_parser> parser;
    std::size_t interim_bytes = 0;
    for (int interim = 0;; ++interim) {
        parser.emplace();
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
        if (ec) co_return read_failure(ec, resp.got_some);
        const unsigned status = parser->get().result_int();
        if (status / 100 != 1) break;
        if (status == 101) {
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

    // What we act on comes from the header section, before any trailer.
    const auto& head = parser->get();
    resp.status = head.result_int();
    resp.reason = std::string(head.reason());
    for (const auto& field : head)
        take_field(field.name_string(), field.value(), record_headers, resp);
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
        co_return co_await read_to_download(stream, buffer, *parser, save, header_keep_alive, resp);
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
    resp.body = std::move(parser->get().body());
    co_return failure{};
}

} // namespace asyncfetch::http::detail
