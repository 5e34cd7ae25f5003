// One request on a connection and its response, within the request's
// deadline. With response_reader.hpp, the only place that instantiates
// Beast's HTTP read and write templates (each such translation unit costs
// ~20 s and ~1.3 GB to compile: keep it that way).
#include "client_impl.hpp"

#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/decode.hpp"
#include "asyncfetch/http/netrc.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <array>

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
                                                const request& req, bool with_credentials,
                                                detail::download* save,
                                                clock_type::time_point deadline, response& resp) {
    if (conn.stream.index() == 0) {
        co_return co_await exchange_on(std::get<0>(conn.stream), conn, url, req, with_credentials,
                                       save, deadline, resp);
    }
    co_return co_await exchange_on(std::get<1>(conn.stream), conn, url, req, with_credentials, save,
                                   deadline, resp);
}

template <class Stream>
asio::awaitable<failure>
client::impl::exchange_on(Stream& stream, connection& conn, const http_url& url,
                          const request& wanted, bool with_credentials, detail::download* save,
                          clock_type::time_point deadline, response& resp) {
    // Build the request: defaults first, then -H headers replace them, then
    // the request's own; credentials only where they may go. The body is
    // sent from the request's own string, not copied.
    bhttp::request<bhttp::span_body<const char>> req;
    req.method_string(wanted.method);
    // Through an http:// proxy, the absolute form (RFC 9112 3.2.2).
    req.target(conn.via_http_proxy ? url.text : url.request_target);
    if (conn.via_http_proxy && !conn.proxy_authorization.empty())
        req.set(bhttp::field::proxy_authorization, conn.proxy_authorization);
    req.version(11);
    req.set(bhttp::field::host, url.host_header);
    req.set(bhttp::field::user_agent, options.user_agent);
    req.set(bhttp::field::accept, "*/*");
    // A saved body is kept as sent: none is asked for encoded (as curl -o
    // and wget do); the rest of a kept part is asked for by its offset.
    req.set(bhttp::field::accept_encoding, save ? "identity" : accepted_encodings);
    if (save && save->offset() > 0)
        req.set(bhttp::field::range, "bytes=" + std::to_string(save->offset()) + "-");
    // As curl -d: a body says what it is unless a header does.
    if (!wanted.body.empty())
        req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    using header_list = std::vector<std::pair<std::string, std::string>>;
    const std::array<const header_list*, 2> lists{&options.headers, &wanted.headers};
    for (const header_list* list : lists) {
        for (const auto& [name, value] : *list) {
            if (with_credentials || !is_credential_header(name, options.secret_headers))
                req.set(name, value);
        }
    }
    // Stored cookies go by their own scope (domain, path, Secure), not the
    // origin's; a Cookie given with -H wins.
    if (auto cookie = cookie_header(url); !cookie.empty() && req[bhttp::field::cookie].empty())
        req.set(bhttp::field::cookie, cookie);
    // --netrc: this host's entry where credentials may go, unless an
    // Authorization was given (curl's -u wins over --netrc too).
    if (with_credentials && req[bhttp::field::authorization].empty())
        if (auto entry = netrc_for(options.netrc_entries, url.host))
            req.set(bhttp::field::authorization,
                    basic_authorization(entry->login + ":" + entry->password));
    req.body() = boost::span<const char>(wanted.body.data(), wanted.body.size());
    // A body goes with its length; a POST without one says it is empty.
    if (!wanted.body.empty() || !is_idempotent(wanted.method)) req.prepare_payload();

    // Send it, then read the response; both within the request's deadline.
    auto& tcp_stream = beast::get_lowest_layer(stream);
    tcp_stream.expires_at(deadline);
    auto [write_ec, written] = co_await bhttp::async_write(stream, req, use_tuple);
    if (write_ec == beast::error::timeout)
        co_return fail("request", make_error_code(errc::request_timeout));
    if (write_ec) co_return fail("request", write_ec);

    co_return co_await detail::read_response(stream, conn.buffer, options.max_body,
                                             wanted.method == "HEAD", save, options.record_headers,
                                             resp);
}

} // namespace asyncfetch::http
