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

// Sends the request. Its Beast message (the header fields are on the heap)
// lives in this frame only: a connection waiting for its response keeps none of it.
template <class Stream>
asio::awaitable<boost::system::error_code>
write_request(Stream& stream, const detail::connection& conn, const http_url& url,
              const request& wanted, detail::field_list fields) {
    // The request's fields come from request_fields (message_fields.cpp);
    // the body is sent from the request's own string, not copied.
    bhttp::request<bhttp::span_body<const char>> req;
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
    auto [write_ec, written] = co_await bhttp::async_write(stream, req, use_tuple);
    co_return write_ec;
}

} // namespace

// Not a coroutine: it hands back exchange_on's awaitable, so a held
// connection keeps no frame of this dispatch (~400 bytes each).
asio::awaitable<failure> client::impl::exchange(connection& conn, const http_url& url,
                                                const request& req, bool with_credentials,
                                                detail::download* save,
                                                clock_type::time_point deadline, response& resp) {
    if (conn.stream.index() == 0) {
        return exchange_on(std::get<0>(conn.stream), conn, url, req, with_credentials, save,
                           deadline, resp);
    }
    return exchange_on(std::get<1>(conn.stream), conn, url, req, with_credentials, save, deadline,
                       resp);
}

template <class Stream>
asio::awaitable<failure>
client::impl::exchange_on(Stream& stream, connection& conn, const http_url& url,
                          const request& wanted, bool with_credentials, detail::download* save,
                          clock_type::time_point deadline, response& resp) {
    // Send it, then read the response; both within the request's deadline.
    auto& tcp_stream = beast::get_lowest_layer(stream);
    tcp_stream.expires_at(deadline);
    auto fields = request_fields(url, wanted, with_credentials, save);
    const auto write_ec = co_await write_request(stream, conn, url, wanted, std::move(fields));
    if (write_ec == beast::error::timeout)
        co_return fail("request", make_error_code(errc::request_timeout));
    if (write_ec) co_return fail("request", write_ec);

    co_return co_await detail::read_response(stream, conn.buffer, options.max_body,
                                             wanted.method == "HEAD", save, options.record_headers,
                                             resp);
}

} // namespace asyncfetch::http
