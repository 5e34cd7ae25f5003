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

} // namespace

asio::awaitable<failure> client::impl::exchange(connection& conn, const http_url& url,
                                                bool with_credentials,
                                                clock_type::time_point deadline, response& resp) {
    if (conn.stream.index() == 0) {
        co_return co_await exchange_on(std::get<0>(conn.stream), conn.buffer, url, with_credentials,
                                       deadline, resp);
    }
    co_return co_await exchange_on(std::get<1>(conn.stream), conn.buffer, url, with_credentials,
                                   deadline, resp);
}

template <class Stream>
asio::awaitable<failure>
client::impl::exchange_on(Stream& stream, beast::flat_buffer& buffer, const http_url& url,
                          bool with_credentials, clock_type::time_point deadline, response& resp) {
    // Build the request: defaults first, then -H headers replace them;
    // credentials only where they may go.
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, url.request_target, 11};
    req.set(bhttp::field::host, url.host_header);
    req.set(bhttp::field::user_agent, options.user_agent);
    req.set(bhttp::field::accept, "*/*");
    req.set(bhttp::field::accept_encoding, "gzip, deflate");
    for (const auto& [name, value] : options.headers) {
        if (with_credentials || !is_credential_header(name, options.secret_headers))
            req.set(name, value);
    }

    // Send it, then read the response; both within the request's deadline.
    auto& tcp_stream = beast::get_lowest_layer(stream);
    tcp_stream.expires_at(deadline);
    auto [write_ec, written] = co_await bhttp::async_write(stream, req, use_tuple);
    if (write_ec == beast::error::timeout)
        co_return fail("request", make_error_code(errc::request_timeout));
    if (write_ec) co_return fail("request", write_ec);

    co_return co_await detail::read_response(stream, buffer, options.max_body, resp);
}

} // namespace asyncfetch::http
