// Through a proxy to the target: an HTTP CONNECT tunnel (RFC 9110 9.3.6) or
// a SOCKS5 connection (RFC 1928, user/password RFC 1929), on a TCP stream
// already connected to the proxy and before any TLS with the target. Each
// reply is bounded; every step within the request's deadline.
#include "asyncfetch/core/use_tuple.hpp"
#include "client_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace asyncfetch::http {
namespace {

using detail::fail;
using detail::failure;
failure proxy_failure(const proxy& via, const std::string& what) {
    return {make_error_code(errc::unasked_response), true, "proxy " + via.name + ": " + what};
}

failure io_failure(const proxy& via, const error_code& ec) {
    if (ec == beast::error::timeout)
        return fail("proxy " + via.name, make_error_code(errc::request_timeout), true);
    return fail("proxy " + via.name, ec, true);
}

const char* socks_reply_text(unsigned char rep) {
    switch (rep) {
    case 1:
        return "general SOCKS server failure";
    case 2:
        return "connection not allowed by ruleset";
    case 3:
        return "network unreachable";
    case 4:
        return "host unreachable";
    case 5:
        return "connection refused";
    case 6:
        return "TTL expired";
    case 7:
        return "command not supported";
    case 8:
        return "address type not supported";
    default:
        return "unknown reply";
    }
}

} // namespace

asio::awaitable<failure> client::impl::connect_tunnel(connection& conn, const http_url& url,
                                                      const proxy& via,
                                                      clock_type::time_point deadline) {
    auto& tcp_stream = conn.tcp();
    tcp_stream.expires_at(deadline);
    // CONNECT host:port, with the proxy's credentials only.
    const std::string authority = url.host_is_ip && url.host.find(':') != std::string::npos
                                      ? "[" + url.host + "]:" + std::to_string(url.port)
                                      : url.host + ":" + std::to_string(url.port);
    bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, authority, 11};
    req.set(bhttp::field::host, authority);
    req.set(bhttp::field::user_agent, options.user_agent);
    if (!via.authorization.empty()) req.set(bhttp::field::proxy_authorization, via.authorization);
    auto [write_ec, written] = co_await bhttp::async_write(tcp_stream, req, use_tuple);
    if (write_ec) co_return io_failure(via, write_ec);

    // The answer's header only: a 2xx to CONNECT has no body, and the
    // tunnel starts right after it.
    bhttp::response_parser<bhttp::empty_body> parser;
    parser.header_limit(detail::max_header_bytes);
    parser.skip(true);
    auto [read_ec, read] =
        co_await bhttp::async_read_header(tcp_stream, conn.buffer, parser, use_tuple);
    if (read_ec) co_return io_failure(via, read_ec);
    const unsigned status = parser.get().result_int();
    if (status / 100 != 2)
        co_return proxy_failure(via, "CONNECT " + authority + " answered " +
                                         std::to_string(status) + " " +
                                         std::string(parser.get().reason()));
    if (conn.buffer.size() != 0)
        co_return proxy_failure(via, "bytes after the CONNECT answer, before TLS");
    co_return failure{};
}

asio::awaitable<failure> client::impl::socks5_connect(connection& conn, const http_url& url,
                                                      const proxy& via,
                                                      const boost::asio::ip::address* resolved,
                                                      clock_type::time_point deadline) {
    auto& s = conn.tcp();
    s.expires_at(deadline);
    unsigned char head[4];

    // Greeting: no authentication, or user/password when the URL had them.
    const bool with_password = !via.authorization.empty();
    std::string greeting =
        with_password ? std::string("\x05\x01\x02", 3) : std::string("\x05\x01\x00", 3);
    auto [e1, n1] = co_await asio::async_write(s, asio::buffer(greeting), use_tuple);
    if (e1) co_return io_failure(via, e1);
    auto [e2, n2] = co_await asio::async_read(s, asio::buffer(head, 2), use_tuple);
    if (e2) co_return io_failure(via, e2);
    if (head[0] != 5 || head[1] != (with_password ? 2 : 0))
        co_return proxy_failure(via, "the SOCKS5 server accepts none of our ways to log in");
    if (with_password) {
        const auto colon = via.authorization.find(':');
        const std::string user = via.authorization.substr(0, colon);
        const std::string pass =
            colon == std::string::npos ? "" : via.authorization.substr(colon + 1);
        if (user.size() > 255 || pass.size() > 255)
            co_return proxy_failure(via, "SOCKS5 user or password longer than 255 bytes");
        std::string auth = "\x01";
        auth += static_cast<char>(user.size());
        auth += user;
        auth += static_cast<char>(pass.size());
        auth += pass;
        auto [e3, n3] = co_await asio::async_write(s, asio::buffer(auth), use_tuple);
        if (e3) co_return io_failure(via, e3);
        auto [e4, n4] = co_await asio::async_read(s, asio::buffer(head, 2), use_tuple);
        if (e4) co_return io_failure(via, e4);
        if (head[1] != 0) co_return proxy_failure(via, "SOCKS5 user or password refused");
    }

    // CONNECT: by name (socks5h: the proxy resolves it) or by address.
    std::string request("\x05\x01\x00", 3);
    if (resolved && resolved->is_v4()) {
        const auto b = resolved->to_v4().to_bytes();
        request += '\x01';
        request.append(reinterpret_cast<const char*>(b.data()), b.size());
    } else if (resolved) {
        const auto b = resolved->to_v6().to_bytes();
        request += '\x04';
        request.append(reinterpret_cast<const char*>(b.data()), b.size());
    } else {
        if (url.host.size() > 255) co_return proxy_failure(via, "host name longer than 255 bytes");
        request += '\x03';
        request += static_cast<char>(url.host.size());
        request += url.host;
    }
    request += static_cast<char>(url.port >> 8);
    request += static_cast<char>(url.port & 0xff);
    auto [e5, n5] = co_await asio::async_write(s, asio::buffer(request), use_tuple);
    if (e5) co_return io_failure(via, e5);
    auto [e6, n6] = co_await asio::async_read(s, asio::buffer(head, 4), use_tuple);
    if (e6) co_return io_failure(via, e6);
    if (head[0] != 5) co_return proxy_failure(via, "not a SOCKS5 reply");
    if (head[1] != 0)
        co_return proxy_failure(via, std::string("SOCKS5 CONNECT to ") + url.host_header + ": " +
                                         socks_reply_text(head[1]));
    // The bound address, which we do not need: its length depends on its type.
    std::size_t rest = head[3] == 1 ? 4 + 2 : head[3] == 4 ? 16 + 2 : 0;
    if (head[3] == 3) {
        unsigned char len = 0;
        auto [e7, n7] = co_await asio::async_read(s, asio::buffer(&len, 1), use_tuple);
        if (e7) co_return io_failure(via, e7);
        rest = len + 2u;
    } else if (rest == 0) {
        co_return proxy_failure(via, "SOCKS5 reply with an unknown address type");
    }
    unsigned char skip[258];
    auto [e8, n8] = co_await asio::async_read(s, asio::buffer(skip, rest), use_tuple);
    if (e8) co_return io_failure(via, e8);
    co_return failure{};
}

} // namespace asyncfetch::http
