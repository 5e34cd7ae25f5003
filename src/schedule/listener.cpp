#include "asyncfetch/schedule/listener.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "asyncfetch/core/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <optional>
#include <set>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;
using tcp = asio::ip::tcp;

namespace asyncfetch::schedule {

parsed<listen_address> parse_listen_address(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return problem("'" + std::string(text) + "' is not ADDRESS:PORT");
    auto host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    listen_address out;
    boost::system::error_code ec;
    out.address = asio::ip::make_address(std::string(host), ec);
    if (ec)
        return problem("'" + std::string(host) +
                       "' is not an IP address (127.0.0.1, [::1], 0.0.0.0, ...)");
    const auto digits = text.substr(colon + 1);
    if (digits == "0") return out; // any free port
    const auto port = port_number(digits);
    if (!port) return problem("'" + std::string(digits) + "' is not a port (1-65535)");
    out.port = *port;
    return out;
}

bool token_matches(std::string_view given, std::string_view expected) {
    // Equal-length digests: the comparison time says nothing of the token.
    unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
    SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
    return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

struct http_listener::impl {
    tcp::acceptor acceptor;
    std::string token;
    http_route route;
    listener_limits limits;
    std::set<beast::tcp_stream*> open; // closed by close()
    bool closed = false;

    impl(asio::any_io_executor ex, const listen_address& at, std::string t, http_route r,
         listener_limits l)
        : acceptor(ex, tcp::endpoint(at.address, at.port)), token(std::move(t)),
          route(std::move(r)), limits(l) {}

    beast_http::response<beast_http::string_body>
    reply_to(const beast_http::request<beast_http::string_body>& req) {
        http_reply r;
        if (req.method() != beast_http::verb::get) {
            r = {405, "text/plain; charset=utf-8", "only GET\n"};
        } else if (!token.empty() &&
                   !token_matches(req[beast_http::field::authorization], "Bearer " + token)) {
            r = {401, "text/plain; charset=utf-8", "a bearer token is required\n"};
        } else {
            const auto target = req.target();
            r = route(std::string_view(target.data(), target.size()).substr(0, target.find('?')));
        }
        beast_http::response<beast_http::string_body> res{static_cast<beast_http::status>(r.status),
                                                          11};
        res.set(beast_http::field::content_type, r.content_type);
        res.set(beast_http::field::cache_control, "no-store");
        if (r.status == 401) res.set(beast_http::field::www_authenticate, "Bearer");
        if (r.status == 405) res.set(beast_http::field::allow, "GET");
        res.body() = std::move(r.body);
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        return res;
    }

    // A refusal before the request was read whole (too large): then the
    // connection closes, as what follows cannot be framed.
    static beast_http::response<beast_http::string_body> refusal(beast_http::status status,
                                                                 const char* why) {
        beast_http::response<beast_http::string_body> res{status, 11};
        res.set(beast_http::field::content_type, "text/plain; charset=utf-8");
        res.body() = why;
        res.keep_alive(false);
        res.prepare_payload();
        return res;
    }

    asio::awaitable<void> session(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        open.insert(&stream);
        // The header limit bounds the buffer too: no request grows it further.
        beast::flat_buffer buffer(limits.max_header_bytes + 1024);
        for (unsigned n = 0; n < limits.max_requests_per_connection && !closed; ++n) {
            beast_http::request_parser<beast_http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
            parser.body_limit(0); // a GET has no body
            stream.expires_after(limits.request_timeout);
            auto [read_ec, bytes] =
                co_await beast_http::async_read(stream, buffer, parser, use_tuple);
            (void)bytes;
            std::optional<beast_http::response<beast_http::string_body>> res;
            if (read_ec == beast_http::error::header_limit ||
                read_ec == beast_http::error::buffer_overflow)
                res = refusal(beast_http::status::request_header_fields_too_large,
                              "request header too large\n");
            else if (read_ec == beast_http::error::body_limit)
                res =
                    refusal(beast_http::status::payload_too_large, "no request body is accepted\n");
            else if (read_ec) // closed, timed out, or not HTTP: nothing to answer
                break;
            else
                res = reply_to(parser.get());
            if (n + 1 == limits.max_requests_per_connection) res->keep_alive(false);
            stream.expires_after(limits.request_timeout);
            auto [write_ec, written] = co_await beast_http::async_write(stream, *res, use_tuple);
            (void)written;
            if (write_ec || !res->keep_alive()) break;
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        open.erase(&stream);
    }
};

http_listener::http_listener(asio::any_io_executor ex, const listen_address& at, std::string token,
                             http_route route, listener_limits limits)
    : impl_(std::make_unique<impl>(std::move(ex), at, std::move(token), std::move(route), limits)) {
}

http_listener::~http_listener() = default;

std::uint16_t http_listener::port() const {
    return impl_->acceptor.local_endpoint().port();
}

asio::awaitable<void> http_listener::serve() {
    auto& s = *impl_;
    while (!s.closed) {
        auto [ec, socket] = co_await s.acceptor.async_accept(use_tuple);
        if (s.closed) break;
        if (ec) {
            // Out of descriptors, say: wait a little, not spin, then try again.
            asio::steady_timer pause(s.acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        // Over the limit: closed at once (a scraper retries; memory stays bounded).
        if (s.open.size() >= s.limits.max_connections) continue;
        asio::co_spawn(s.acceptor.get_executor(), s.session(std::move(socket)), asio::detached);
    }
}

void http_listener::close() {
    auto& s = *impl_;
    s.closed = true;
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    for (auto* stream : s.open)
        stream->socket().close(ignored);
}

} // namespace asyncfetch::schedule
