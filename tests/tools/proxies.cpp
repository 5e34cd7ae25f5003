#include "proxies.hpp"
#include "asyncfetch/core/use_tuple.hpp"

// g++ 12 at -O2 takes the awaitable frame's own operator new/delete pair
// (Asio's recycling allocator) for a mismatch in socks_session: a false
// positive, silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <mutex>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace asyncfetch::testing {
namespace {

// Copies one direction until EOF, then half-closes the other side.
asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to) {
    char chunk[16384];
    for (;;) {
        auto [ec, n] = co_await from.async_read_some(asio::buffer(chunk), use_tuple);
        if (ec) break;
        auto [wec, w] = co_await asio::async_write(to, asio::buffer(chunk, n), use_tuple);
        if (wec) break;
    }
    boost::system::error_code ignored;
    to.shutdown(tcp::socket::shutdown_send, ignored);
}

// Both directions until both end.
asio::awaitable<void> relay(tcp::socket& a, tcp::socket& b) {
    co_await (pump(a, b) && pump(b, a));
}

// Connects to host:port (names resolved here: tests use 127.0.0.1 and localhost).
asio::awaitable<bool> connect_to(tcp::socket& s, const std::string& host, const std::string& port) {
    tcp::resolver resolver(s.get_executor());
    auto [rec, found] = co_await resolver.async_resolve(host, port, use_tuple);
    if (rec) co_return false;
    auto [cec, ep] = co_await asio::async_connect(s, found, use_tuple);
    co_return !cec;
}

} // namespace

struct test_proxy::impl {
    impl(kind k, std::string creds) : type(k), credentials(std::move(creds)), acceptor(io) {
        const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
        acceptor.open(ep.protocol());
        acceptor.bind(ep);
        acceptor.listen();
        asio::co_spawn(io, accept_loop(), asio::detached);
        thread = std::thread([this] { io.run(); });
    }
    ~impl() {
        io.stop();
        thread.join();
    }

    void record(std::string what, std::string authorization) {
        std::lock_guard lock(mutex);
        log.push_back({std::move(what), std::move(authorization)});
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec) co_return;
            if (type == kind::http)
                asio::co_spawn(io, http_session(std::move(socket)), asio::detached);
            else
                asio::co_spawn(io, socks_session(std::move(socket)), asio::detached);
        }
    }

    std::string expected_authorization() const {
        if (credentials.empty()) return {};
        std::string b64(4 * ((credentials.size() + 2) / 3), '\0');
        beast::detail::base64::encode(b64.data(), credentials.data(), credentials.size());
        return "Basic " + b64;
    }

    asio::awaitable<void> http_session(tcp::socket client) {
        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request<bhttp::string_body> req;
            auto [ec, n] = co_await bhttp::async_read(client, buffer, req, use_tuple);
            if (ec) co_return;
            const std::string auth(req[bhttp::field::proxy_authorization]);
            const std::string target(req.target());
            record(std::string(req.method_string()) + " " + target, auth);
            if (auth != expected_authorization()) {
                bhttp::response<bhttp::string_body> no{bhttp::status::proxy_authentication_required,
                                                       11};
                no.set(bhttp::field::proxy_authenticate, "Basic realm=\"test\"");
                no.prepare_payload();
                co_await bhttp::async_write(client, no, use_tuple);
                continue;
            }
            tcp::socket origin(io);
            if (req.method() == bhttp::verb::connect) {
                const auto colon = target.rfind(':');
                std::string host = target.substr(0, colon);
                if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
                const std::string port = target.substr(colon + 1);
                if (!co_await connect_to(origin, host, port)) co_return;
                const std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
                co_await asio::async_write(client, asio::buffer(ok), use_tuple);
                co_await relay(client, origin);
                co_return;
            }
            // Absolute form: on to the origin in origin form, without our header.
            auto url = boost::urls::parse_absolute_uri(target);
            if (!url) co_return;
            // Named locals: g++ 12 frees temporaries in a co_await twice.
            const std::string host(url->host_address());
            std::string port = "80";
            if (url->has_port()) port = std::string(url->port());
            if (!co_await connect_to(origin, host, port)) co_return;
            req.target(url->encoded_target().empty() ? "/" : std::string(url->encoded_target()));
            req.erase(bhttp::field::proxy_authorization);
            auto [wec, w] = co_await bhttp::async_write(origin, req, use_tuple);
            if (wec) co_return;
            beast::flat_buffer from_origin;
            bhttp::response<bhttp::string_body> res;
            auto [rec, r] = co_await bhttp::async_read(origin, from_origin, res, use_tuple);
            if (rec) co_return;
            auto [cec, c] = co_await bhttp::async_write(client, res, use_tuple);
            if (cec || !res.keep_alive()) co_return;
        }
    }

    asio::awaitable<void> socks_session(tcp::socket client) {
        unsigned char b[262];
        // Greeting: the methods the client offers.
        auto [e1, n1] = co_await asio::async_read(client, asio::buffer(b, 2), use_tuple);
        if (e1 || b[0] != 5) co_return;
        const unsigned methods = b[1];
        auto [e2, n2] = co_await asio::async_read(client, asio::buffer(b, methods), use_tuple);
        if (e2) co_return;
        const unsigned char want = credentials.empty() ? 0 : 2;
        bool offered = false;
        for (unsigned i = 0; i < methods; ++i)
            offered = offered || b[i] == want;
        const unsigned char choice[2] = {5, offered ? want : static_cast<unsigned char>(0xff)};
        co_await asio::async_write(client, asio::buffer(choice), use_tuple);
        if (!offered) co_return;
        std::string given;
        if (want == 2) {
            auto [e3, n3] = co_await asio::async_read(client, asio::buffer(b, 2), use_tuple);
            if (e3) co_return;
            std::string user(b[1], '\0');
            co_await asio::async_read(client, asio::buffer(user), use_tuple);
            co_await asio::async_read(client, asio::buffer(b, 1), use_tuple);
            std::string pass(b[0], '\0');
            co_await asio::async_read(client, asio::buffer(pass), use_tuple);
            given = user + ":" + pass;
            const unsigned char verdict[2] = {1, static_cast<unsigned char>(given != credentials)};
            co_await asio::async_write(client, asio::buffer(verdict), use_tuple);
            if (given != credentials) co_return;
        }
        // CONNECT request: by IPv4, IPv6 or name.
        auto [e4, n4] = co_await asio::async_read(client, asio::buffer(b, 4), use_tuple);
        if (e4 || b[1] != 1) co_return;
        std::string host, how;
        if (b[3] == 1 || b[3] == 4) {
            const std::size_t len = b[3] == 1 ? 4 : 16;
            co_await asio::async_read(client, asio::buffer(b, len), use_tuple);
            if (len == 4) {
                asio::ip::address_v4::bytes_type a;
                std::copy(b, b + 4, a.begin());
                host = asio::ip::address_v4(a).to_string();
            } else {
                asio::ip::address_v6::bytes_type a;
                std::copy(b, b + 16, a.begin());
                host = asio::ip::address_v6(a).to_string();
            }
            how = "ip";
        } else {
            co_await asio::async_read(client, asio::buffer(b, 1), use_tuple);
            host.resize(b[0]);
            co_await asio::async_read(client, asio::buffer(host), use_tuple);
            how = "name";
        }
        co_await asio::async_read(client, asio::buffer(b, 2), use_tuple);
        const std::string port = std::to_string(b[0] * 256 + b[1]);
        record("socks5 " + how + " " + host + ":" + port, given);
        tcp::socket origin(io);
        const bool connected = co_await connect_to(origin, host, port);
        const unsigned char reply[10] = {5, static_cast<unsigned char>(connected ? 0 : 5), 0, 1};
        co_await asio::async_write(client, asio::buffer(reply), use_tuple);
        if (!connected) co_return;
        co_await relay(client, origin);
    }

    kind type;
    std::string credentials;
    asio::io_context io{1};
    tcp::acceptor acceptor;
    std::thread thread;
    mutable std::mutex mutex;
    std::vector<proxied> log;
};

test_proxy::test_proxy(kind k, std::string credentials)
    : impl_(std::make_unique<impl>(k, std::move(credentials))) {}
test_proxy::~test_proxy() = default;

std::uint16_t test_proxy::port() const noexcept {
    return impl_->acceptor.local_endpoint().port();
}

std::vector<proxied> test_proxy::seen() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->log;
}

} // namespace asyncfetch::testing
