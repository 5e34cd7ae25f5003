// One request on a connection and its response, within the request's
// deadline. With response_reader.hpp, the only place that instantiates
// Beast's HTTP read and write templates (each such translation unit costs
// ~20 s and ~1.3 GB to compile: keep it that way).
#include "asyncfetch/core/use_tuple.hpp"
#include "client_impl.hpp"
#include "request_head.hpp"

#include "asyncfetch/http/credentials.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include <array>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace asyncfetch::http {
namespace {

using detail::fail;
using detail::failure;
using request_message = bhttp::request<bhttp::span_body<const char>>;

// The head and body, one write: plain_io's on plain TCP (its deadline
// watched), Beast's stream under its own timer on TLS.
asio::awaitable<detail::io_result> write_head(detail::plain_stream& stream, std::string_view head,
                                              std::string_view body,
                                              std::chrono::steady_clock::time_point) {
    return detail::write_plain(stream, head, body);
}

template <class Stream>
asio::awaitable<detail::io_result> write_head(Stream& stream, std::string_view head,
                                              std::string_view body,
                                              std::chrono::steady_clock::time_point deadline) {
    beast::get_lowest_layer(stream).expires_at(deadline);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
    return asio::async_write(stream, buffers, use_tuple);
}

// Beast's writer, for the requests whose head request_head leaves to it.
template <class Stream>
asio::awaitable<detail::io_result> write_message(Stream& stream, const request_message& req,
                                                 std::chrono::steady_clock::time_point deadline) {
    beast::get_lowest_layer(stream).expires_at(deadline);
    return bhttp::async_write(stream, req, use_tuple);
}

asio::awaitable<detail::io_result> write_message(detail::plain_stream& stream,
                                                 const request_message& req,
                                                 std::chrono::steady_clock::time_point) {
    if (stream.deadline.expired()) co_return detail::io_result{beast::error::timeout, 0};
    auto [ec, written] = co_await bhttp::async_write(stream.socket, req, use_tuple);
    if (ec == asio::error::operation_aborted && stream.deadline.expired())
        ec = beast::error::timeout;
    co_return detail::io_result{ec, written};
}

// Sends the request: its head written from its fields (request_head.cpp,
// the fields from request_fields in message_fields.cpp) and its body from
// the request's own string. The few requests Beast must frame (a
// Transfer-Encoding or Content-Length given with -H) go as a Beast message,
// which lives in this frame only. A request with a line break where none
// may be is not sent (request_head): its failure says why.
template <class Stream>
asio::awaitable<failure> send_request(Stream& stream, const detail::connection& conn,
                                      const http_url& url, const request& wanted,
                                      detail::field_list fields,
                                      std::chrono::steady_clock::time_point deadline) {
    // Through an http:// proxy, the absolute form (RFC 9112 3.2.2).
    const std::string_view target = conn.via_http_proxy ? url.text : url.request_target;
    const std::string_view proxy_authorization =
        conn.via_http_proxy ? std::string_view(conn.proxy_authorization) : std::string_view();
    // A body goes with its length; a POST without one says it is empty.
    const bool with_length = !wanted.body.empty() || !is_idempotent(wanted.method);
    auto sent = [](const boost::system::error_code& ec) {
        if (ec == beast::error::timeout)
            return fail("request", make_error_code(errc::request_timeout));
        return ec ? fail("request", ec) : failure{};
    };
    std::string head;
    const auto outcome = detail::request_head(
        {wanted.method, target, proxy_authorization, fields, wanted.body, with_length}, head);
    if (outcome == detail::head_outcome::refused)
        co_return failure{make_error_code(boost::system::errc::invalid_argument), false,
                          "request: " + head + "; not sent"};
    if (outcome == detail::head_outcome::written) {
        auto [ec, written] = co_await write_head(stream, head, wanted.body, deadline);
        co_return sent(ec);
    }
    request_message req;
    req.method_string(wanted.method);
    req.target(target);
    if (!proxy_authorization.empty())
        req.set(bhttp::field::proxy_authorization, proxy_authorization);
    req.version(11);
    for (const auto& [name, value] : fields)
        req.set(name, value);
    req.body() = boost::span<const char>(wanted.body.data(), wanted.body.size());
    if (with_length) req.prepare_payload();
    auto [ec, written] = co_await write_message(stream, req, deadline);
    co_return sent(ec);
}

} // namespace

asio::awaitable<failure> client::impl::exchange(connection& conn, const http_url& url,
                                                const request& req, bool with_credentials,
                                                detail::download* save,
                                                clock_type::time_point deadline, response& resp) {
    if (conn.stream.index() == 0) {
        // Plain TCP: plain_io.hpp's reads and writes, the deadline watched.
        auto& socket = std::get<0>(conn.stream).socket();
        const detail::deadline_watch::entry watched(deadlines, socket, deadline);
        detail::plain_stream plain{socket, watched};
        co_return co_await exchange_on(plain, conn, url, req, with_credentials, save, deadline,
                                       resp);
    }
    co_return co_await exchange_on(std::get<1>(conn.stream), conn, url, req, with_credentials, save,
                                   deadline, resp);
}

template <class Stream>
asio::awaitable<failure>
client::impl::exchange_on(Stream& stream, connection& conn, const http_url& url,
                          const request& wanted, bool with_credentials, detail::download* save,
                          clock_type::time_point deadline, response& resp) {
    // Send it, then read the response; both within the request's deadline.
    // (The fields are a named local moved in, not a temporary inside the
    // co_await: GCC 12 has mishandled such temporaries.)
    auto fields = request_fields(url, wanted, with_credentials, save);
    if (auto failed = co_await send_request(stream, conn, url, wanted, std::move(fields), deadline))
        co_return failed;

    co_return co_await detail::read_response(stream, conn.buffer, options.max_body,
                                             wanted.method == "HEAD", save, options.record_headers,
                                             resp);
}

} // namespace asyncfetch::http
