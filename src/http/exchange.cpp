// One request on a connection and its response, within the request's
// deadline. With response_reader.hpp, the only place that instantiates
// Beast's HTTP read and write templates (each such translation unit costs
// ~20 s and ~1.3 GB to compile: keep it that way).
#include "client_impl.hpp"

#include "asyncfetch/http/credentials.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace asyncfetch::http {
namespace {

using detail::fail;
using detail::failure;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using request_message = bhttp::request<bhttp::span_body<const char>>;

// Beast's write on a TLS stream, under the stream's own timer.
template <class Stream>
asio::awaitable<detail::io_result> write_request(Stream& stream, const request_message& req,
                                                 std::chrono::steady_clock::time_point deadline) {
    beast::get_lowest_layer(stream).expires_at(deadline);
    return bhttp::async_write(stream, req, use_tuple);
}

// On plain TCP the head is formatted once and sent with the body in one
// write (a chunked request, which no default sends, keeps Beast's writer).
asio::awaitable<detail::io_result> write_request(detail::plain_stream& stream,
                                                 const request_message& req,
                                                 std::chrono::steady_clock::time_point) {
    if (req.chunked()) {
        if (stream.deadline.expired()) co_return detail::io_result{beast::error::timeout, 0};
        auto [ec, written] = co_await bhttp::async_write(stream.socket, req, use_tuple);
        if (ec == asio::error::operation_aborted && stream.deadline.expired())
            ec = beast::error::timeout;
        co_return detail::io_result{ec, written};
    }
    std::string head;
    detail::request_head(req.base(), head);
    const auto& body = req.body();
    co_return co_await detail::write_plain(stream, head,
                                           std::string_view(body.data(), body.size()));
}

// Builds the request's Beast message and sends it. The message (its header
// fields are on the heap) lives in this frame only: a connection waiting for
// its response keeps none of it. The fields come from request_fields
// (message_fields.cpp); the body is sent from the request's own string.
template <class Stream>
asio::awaitable<boost::system::error_code>
send_request(Stream& stream, const detail::connection& conn, const http_url& url,
             const request& wanted, detail::field_list fields,
             std::chrono::steady_clock::time_point deadline) {
    request_message req;
    req.method_string(wanted.method);
    // Through an http:// proxy, the absolute form (RFC 9112 3.2.2).
    req.target(conn.via_http_proxy ? url.text : url.request_target);
    if (conn.via_http_proxy && !conn.proxy_authorization.empty())
        req.set(bhttp::field::proxy_authorization, conn.proxy_authorization);
    req.version(11);
    for (auto& [name, value] : fields)
        req.set(name, value);
    fields.clear();
    req.body() = boost::span<const char>(wanted.body.data(), wanted.body.size());
    // A body goes with its length; a POST without one says it is empty.
    if (!wanted.body.empty() || !is_idempotent(wanted.method)) req.prepare_payload();
    auto [write_ec, written] = co_await write_request(stream, req, deadline);
    co_return write_ec;
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
    auto fields = request_fields(url, wanted, with_credentials, save);
    const auto write_ec =
        co_await send_request(stream, conn, url, wanted, std::move(fields), deadline);
    if (write_ec == beast::error::timeout)
        co_return fail("request", make_error_code(errc::request_timeout));
    if (write_ec) co_return fail("request", write_ec);

    co_return co_await detail::read_response(stream, conn.buffer, options.max_body,
                                             wanted.method == "HEAD", save, options.record_headers,
                                             resp);
}

} // namespace asyncfetch::http
