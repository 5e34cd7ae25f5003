// The test server's I/O: a Beast coroutine per connection, on its own thread.
#include "asyncfetch/testserver/server.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "request_endpoints.hpp"
#include "state_endpoints.hpp"

#include "asyncfetch/http/decode.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <atomic>
#include <charconv>
#include <map>
#include <mutex>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace asyncfetch::testserver {
namespace {

using request = bhttp::request<bhttp::string_body>;
using response = bhttp::response<bhttp::string_body>;

const char* const index_text =
    "asyncfetch test server\n"
    "/delay/D /gather/N /bytes/N /status/N /redirect/N /redirect-to?url=U /loop\n"
    "/flaky/N?key=K&status=S&retry_after=R /gzip/N /br/N /zstd/N /headers /reset /close\n"
    "/site/N /robots.txt\n";

using detail::text_of_size;

std::uint64_t to_number(std::string_view s, std::uint64_t fallback) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}

// "200ms", "1.5s", "2s" or a bare number of milliseconds.
std::chrono::milliseconds parse_delay(std::string_view s) {
    double scale = 1.0;
    if (s.ends_with("ms"))
        s.remove_suffix(2);
    else if (s.ends_with("s"))
        s.remove_suffix(1), scale = 1000.0;
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0)
        return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(static_cast<long long>(v * scale));
}

// Pages of the /site/N crawl site: 0 (the top) to site_pages - 1.
constexpr std::uint64_t site_pages = 40;

// What to do with a request beyond answering it.
enum class action { respond, reset, close };

} // namespace

struct server::impl {
    explicit impl(server_options opts)
        : options(std::move(opts)), acceptor(io), tls(asio::ssl::context::tls_server) {
        if (!options.cert_file.empty() && !options.key_file.empty()) {
            tls.use_certificate_chain_file(options.cert_file);
            tls.use_private_key_file(options.key_file, asio::ssl::context::pem);
            use_tls = true;
        }
        if (!options.client_ca_file.empty()) {
            tls.load_verify_file(options.client_ca_file);
            tls.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
        }
        if (options.tls_max_version != 0)
            SSL_CTX_set_max_proto_version(tls.native_handle(), options.tls_max_version);
        const tcp::endpoint ep(asio::ip::make_address(options.address), options.port);
        acceptor.open(ep.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(asio::socket_base::max_listen_connections);
        port = acceptor.local_endpoint().port();
        asio::co_spawn(io, accept_loop(), asio::detached);
        thread = std::thread([this] { io.run(); });
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue; // e.g. out of descriptors: keep serving the rest
            ++connections;
            socket.set_option(tcp::no_delay(true));
            asio::co_spawn(io, session(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> session(tcp::socket socket) {
        if (!use_tls) {
            beast::tcp_stream stream(std::move(socket));
            co_await serve(stream);
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
        auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (!ec) co_await serve(stream);
    }

    template <class Stream>
    asio::awaitable<void> serve(Stream& stream) {
        beast::flat_buffer buffer;
        for (;;) {
            request req;
            auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, use_tuple);
            if (ec) co_return;
            ++requests;
            response res{bhttp::status::ok, req.version()};
            res.set(bhttp::field::server, "asyncfetch-testserver");
            res.set(bhttp::field::content_type, "text/plain");
            res.keep_alive(req.keep_alive());
            // Requests being handled at once, and the most ever (server thread only writes).
            peak_in_flight = std::max<std::uint64_t>(peak_in_flight, ++in_flight);
            const auto what = co_await handle(req, res);
            --in_flight;
            auto& socket = beast::get_lowest_layer(stream).socket();
            if (what == action::close) co_return;
            if (what == action::reset) {
                // Promise a long body, send a little, then abort the connection.
                const std::string head =
                    "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + text_of_size(1000);
                co_await asio::async_write(stream, asio::buffer(head), use_tuple);
                socket.set_option(asio::socket_base::linger(true, 0));
                socket.close();
                co_return;
            }
            res.prepare_payload();
            body_bytes += res.body().size();
            auto [wec, written] = co_await bhttp::async_write(stream, res, use_tuple);
            if (wec || !res.keep_alive()) co_return;
        }
    }

    asio::awaitable<action> handle(const request& req, response& res) {
        auto parsed = boost::urls::parse_origin_form(req.target());
        if (!parsed) {
            res.result(bhttp::status::bad_request);
            co_return action::respond;
        }
        const boost::urls::url_view url = *parsed;
        std::vector<std::string> seg;
        for (auto s : url.segments())
            seg.emplace_back(s);
        auto param = [&](const char* name) -> std::string {
            auto it = url.params().find(name);
            return it == url.params().end() ? std::string() : std::string((*it).value);
        };
        {
            std::lock_guard lock(log_mutex);
            log.push_back({std::chrono::steady_clock::now(), std::string(req.target()),
                           std::string(req.method_string()), req.body(),
                           std::string(req[bhttp::field::content_type]),
                           std::string(req[bhttp::field::host])});
        }
        if (auto page = options.pages.find(std::string(req.target()));
            page != options.pages.end()) {
            res.result(page->second.status);
            res.set(bhttp::field::content_type, page->second.content_type);
            for (const auto& [name, value] : page->second.headers)
                res.insert(name, value);
            res.body() = page->second.body;
            co_return action::respond;
        }
        if (detail::answer_request_endpoint(req, url, res)) co_return action::respond;
        if (detail::answer_state_endpoint(req, url, state, res)) co_return action::respond;
        const std::string first = seg.empty() ? "" : seg[0];
        const std::string arg = seg.size() > 1 ? seg[1] : "";

        if (first.empty()) {
            res.body() = std::string(index_text) + detail::request_endpoints_index +
                         detail::state_endpoints_index;
        } else if (first == "delay") {
            asio::steady_timer timer(io, parse_delay(arg));
            co_await timer.async_wait(use_tuple);
            res.body() = "delayed " + arg + "\n";
        } else if (first == "gather") {
            // Answers once N requests have been in the server at the same time, so a test
            // of concurrency does not depend on how fast the client starts them; 504
            // after 10 s if they never were.
            const auto want = to_number(arg, 1);
            const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            asio::steady_timer timer(io);
            while (peak_in_flight < want && std::chrono::steady_clock::now() < give_up) {
                timer.expires_after(std::chrono::milliseconds(5));
                co_await timer.async_wait(use_tuple);
            }
            if (peak_in_flight < want) res.result(bhttp::status::gateway_timeout);
            res.body() = "gathered " + std::to_string(peak_in_flight.load()) + "\n";
        } else if (first == "status") {
            res.result(static_cast<unsigned>(to_number(arg, 500)));
            res.body() = "status " + arg + "\n";
        } else if (first == "redirect") {
            const auto n = to_number(arg, 0);
            if (n == 0) {
                res.body() = "redirects done\n";
            } else {
                res.result(bhttp::status::found);
                res.set(bhttp::field::location, "/redirect/" + std::to_string(n - 1));
            }
        } else if (first == "redirect-to") {
            res.result(bhttp::status::found);
            res.set(bhttp::field::location, param("url"));
        } else if (first == "loop") {
            res.result(bhttp::status::moved_permanently);
            res.set(bhttp::field::location, "/loop");
        } else if (first == "flaky") {
            const auto failures = to_number(arg, 0);
            auto& seen = flaky_counts[param("key")];
            if (seen++ < failures) {
                res.result(static_cast<unsigned>(to_number(param("status"), 503)));
                if (auto ra = param("retry_after"); !ra.empty())
                    res.set(bhttp::field::retry_after, ra);
                res.body() = "try again\n";
            } else {
                res.body() = "ok after " + std::to_string(failures) + " failures\n";
            }
        } else if (first == "gzip") {
            res.body() = http::gzip_compress(text_of_size(to_number(arg, 0)));
            res.set(bhttp::field::content_encoding, "gzip");
        } else if (first == "br") {
            res.body() = http::brotli_compress(text_of_size(to_number(arg, 0)));
            res.set(bhttp::field::content_encoding, "br");
        } else if (first == "zstd") {
            res.body() = http::zstd_compress(text_of_size(to_number(arg, 0)));
            res.set(bhttp::field::content_encoding, "zstd");
        } else if (first == "headers") {
            for (const auto& field : req) {
                res.body() +=
                    std::string(field.name_string()) + ": " + std::string(field.value()) + "\n";
            }
        } else if (first == "site") {
            // A small linked site for crawls (the demo): page N links to its
            // three children, back to the top, to a text file and to a page
            // robots.txt keeps out; each page takes 100 ms.
            asio::steady_timer timer(io, std::chrono::milliseconds(100));
            co_await timer.async_wait(use_tuple);
            const auto n = to_number(arg, 0);
            res.set(bhttp::field::content_type, "text/html; charset=utf-8");
            res.body() = "<!doctype html><title>page " + std::to_string(n) + "</title><ul>";
            for (auto child = 3 * n + 1; child <= 3 * n + 3 && child < site_pages; ++child)
                res.body() += "<li><a href=\"/site/" + std::to_string(child) + "\">page " +
                              std::to_string(child) + "</a>";
            res.body() += "<li><a href=\"/site/0\">top</a><li><a href=\"/bytes/100\">text</a>"
                          "<li><a href=\"/private/" +
                          std::to_string(n) + "\">private</a></ul>";
        } else if (first == "robots.txt") {
            res.body() = "User-agent: *\nDisallow: /private/\n";
        } else if (first == "reset") {
            co_return action::reset;
        } else if (first == "close") {
            co_return action::close;
        } else {
            res.result(bhttp::status::not_found);
            res.body() = "not found\n";
        }
        co_return action::respond;
    }

    void stop() {
        if (stopped.exchange(true)) return;
        asio::post(io, [this] { io.stop(); });
        if (thread.joinable()) thread.join();
    }

    server_options options;
    asio::io_context io{1};
    tcp::acceptor acceptor;
    asio::ssl::context tls;
    bool use_tls = false;
    std::uint16_t port = 0;
    std::atomic<std::uint64_t> connections{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> in_flight{0}, peak_in_flight{0};
    std::map<std::string, std::uint64_t> flaky_counts; // only touched on the server thread
    detail::endpoint_state state;                      // the same
    std::atomic<std::uint64_t> body_bytes{0};
    mutable std::mutex log_mutex;
    std::vector<logged_request> log; // guarded by log_mutex
    std::atomic<bool> stopped{false};
    std::thread thread;
};

server::server(server_options options) : impl_(std::make_unique<impl>(std::move(options))) {}
server::~server() {
    impl_->stop();
}
void server::stop() {
    impl_->stop();
}
std::uint16_t server::port() const noexcept {
    return impl_->port;
}
std::string server::base_url() const {
    return (impl_->use_tls ? "https://" : "http://") + impl_->options.address + ":" +
           std::to_string(impl_->port);
}
std::uint64_t server::connections_accepted() const noexcept {
    return impl_->connections;
}
std::vector<logged_request> server::request_log() const {
    std::lock_guard lock(impl_->log_mutex);
    return impl_->log;
}
std::uint64_t server::requests_served() const noexcept {
    return impl_->requests;
}
std::uint64_t server::body_bytes_served() const noexcept {
    return impl_->body_bytes;
}
std::uint64_t server::peak_requests_in_flight() const noexcept {
    return impl_->peak_in_flight;
}

} // namespace asyncfetch::testserver
