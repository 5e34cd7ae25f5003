// The HTTP(S) client's I/O. This is one of the few translation units that
// instantiate Beast and OpenSSL stream templates: keep it that way (each such
// TU costs ~20 s and ~1.3 GB to compile).
#include "asyncfetch/http/client.hpp"

#include "response_reader.hpp"

#include "asyncfetch/core/connect.hpp"
#include "asyncfetch/core/dns.hpp"
#include "asyncfetch/core/error.hpp"
#include "asyncfetch/core/limiter.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/core/tls.hpp"
#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/decode.hpp"
#include "asyncfetch/http/url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/x509v3.h>
#include <poll.h>

#include <random>
#include <unordered_map>
#include <variant>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

namespace asyncfetch::http {
namespace {

using detail::fail;
using detail::failure;
using detail::response;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// One kept-alive connection: plain TCP or TLS over TCP, and its read buffer.
struct connection {
    explicit connection(const asio::any_io_executor& ex) : stream(std::in_place_index<0>, ex) {}
    connection(const asio::any_io_executor& ex, asio::ssl::context& tls)
        : stream(std::in_place_index<1>, ex, tls) {}

    beast::tcp_stream& tcp() {
        return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); },
                          stream);
    }

    std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer{detail::read_buffer_bytes}; // bounded: see response_reader.hpp
};

// An idle connection on which anything arrived (bytes, EOF, a TLS record)
// cannot carry a request: what is there answers no request of ours, and a
// response would be read behind it. Checked without waiting.
bool idle_connection_usable(connection& conn) {
    if (conn.buffer.size() != 0) return false;
    if (conn.stream.index() == 1) {
        // TLS bytes already read from the socket wait in OpenSSL's buffers or
        // in the BIO that Asio feeds it: the socket alone would miss them.
        SSL* ssl = std::get<1>(conn.stream).native_handle();
        if (SSL_has_pending(ssl) || BIO_pending(SSL_get_rbio(ssl)) > 0) return false;
    }
    pollfd p{conn.tcp().socket().native_handle(), POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, 0) == 0;
}

// Connections to one origin, and the limit on requests in flight to it.
struct host_pool {
    host_pool(const asio::any_io_executor& ex, std::size_t limit) : slots(ex, limit) {}
    limiter slots;
    std::vector<std::unique_ptr<connection>> idle;
};

// Counts a request on the wire for as long as it lives.
struct in_flight_count {
    explicit in_flight_count(client_stats& s) : stats(s) {
        stats.peak_in_flight = std::max(stats.peak_in_flight, ++stats.in_flight);
    }
    ~in_flight_count() { --stats.in_flight; }
    in_flight_count(const in_flight_count&) = delete;
    in_flight_count& operator=(const in_flight_count&) = delete;
    client_stats& stats;
};

// The time a phase may take: its own limit, or what is left of the whole
// request's, whichever is less; a timeout then names the one that was hit.
struct phase_budget {
    clock_type::duration limit;
    bool request_bound;
};

phase_budget budget(clock_type::duration phase, clock_type::time_point deadline) {
    const auto left = std::max(deadline - clock_type::now(), clock_type::duration::zero());
    return left < phase ? phase_budget{left, true} : phase_budget{phase, false};
}

error_code timeout_code(const phase_budget& b, errc phase_timeout) {
    return make_error_code(b.request_bound ? errc::request_timeout : phase_timeout);
}

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// A connect failure for the record. Running out of descriptors names the
// limit: it is this URL's failure, not a cancel.
bool out_of_descriptors(const error_code& ec) {
    return ec == boost::system::errc::too_many_files_open ||
           ec == boost::system::errc::too_many_files_open_in_system;
}

failure connect_failure(const std::string& where, const error_code& ec) {
    if (ec == boost::system::errc::too_many_files_open) {
        return {ec, true,
                "connect " + where +
                    ": too many open files (the process's limit, ulimit -n: "
                    "raise it or lower -c)"};
    }
    if (ec == boost::system::errc::too_many_files_open_in_system)
        return {ec, true, "connect " + where + ": too many open files (the system's limit)"};
    return fail("connect " + where, ec, true);
}

std::string tls_failure_reason(SSL* ssl, const error_code& ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    return ec.message();
}

} // namespace

struct client::impl {
    impl(asio::any_io_executor executor, client_options opts)
        : ex(std::move(executor)), options(std::move(opts)),
          resolver(dns::loop_resolver(ex, options.dns)), rng(std::random_device{}()) {}

    // Made on the first https URL: loading the system's CA store costs ~50 ms
    // of CPU, which a run of plain http URLs should not pay.
    asio::ssl::context& tls_context() {
        if (!tls) tls.emplace(client_tls_context(options.verify_tls, options.ca_file));
        return *tls;
    }

    asio::awaitable<fetch_result> fetch(std::string url);
    asio::awaitable<attempt_outcome> follow_redirects(const http_url& start, fetch_result& res);
    asio::awaitable<failure> request_once(const http_url& url, bool with_credentials,
                                          response& resp, fetch_result& res);
    asio::awaitable<failure> open_connection(const http_url& url, clock_type::time_point deadline,
                                             std::unique_ptr<connection>& conn);
    asio::awaitable<failure> resolve(const http_url& url, clock_type::time_point deadline,
                                     std::vector<tcp::endpoint>& endpoints);
    asio::awaitable<failure> exchange(connection& conn, const http_url& url, bool with_credentials,
                                      clock_type::time_point deadline, response& resp);
    template <class Stream>
    asio::awaitable<failure> exchange_on(Stream& stream, beast::flat_buffer& buffer,
                                         const http_url& url, bool with_credentials,
                                         clock_type::time_point deadline, response& resp);
    host_pool& pool_for(const http_url& url);
    // Closes the longest-kept idle connection of some origin; false when none is idle.
    bool close_one_idle();

    asio::any_io_executor ex;
    client_options options;
    std::optional<asio::ssl::context> tls;
    std::unordered_map<std::string, std::unique_ptr<host_pool>> pools;
    std::shared_ptr<dns::resolver> resolver; // the loop's: its cache and limit are the run's
    client_stats stats;
    std::minstd_rand rng;
};

asio::awaitable<fetch_result> client::impl::fetch(std::string url) {
    fetch_result res;
    res.final_url = url;
    auto parsed = parse_url(url);
    if (!parsed.url) {
        res.ec = make_error_code(errc::bad_url);
        res.error = "url: " + parsed.problem;
        co_return res;
    }
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    for (int attempt = 1;; ++attempt) {
        res.attempts = attempt;
        const auto outcome = co_await follow_redirects(*parsed.url, res);
        // Timeouts arrive as their own codes, so an abort is the user's cancel.
        if (res.ec == asio::error::operation_aborted) throw boost::system::system_error(res.ec);
        const auto delay = retry_delay(options.retry, attempt, outcome, jitter(rng));
        if (!delay) break;
        // Back off before the next attempt (a user cancel interrupts the wait).
        asio::steady_timer pause(ex, *delay);
        co_await pause.async_wait(asio::use_awaitable);
    }
    co_return res;
}

asio::awaitable<attempt_outcome> client::impl::follow_redirects(const http_url& start,
                                                                fetch_result& res) {
    http_url current = start;
    for (int redirects = 0;; ++redirects) {
        response resp;
        const bool with_credentials =
            credentials_may_follow(start, current, options.location_trusted);
        const auto failed = co_await request_once(current, with_credentials, resp, res);
        res.final_url = current.text;
        res.status = resp.status;
        res.ec = failed.ec;
        res.error = failed.message;
        if (failed) co_return attempt_outcome{failed.ec, failed.connect_failed, 0, std::nullopt};

        if (is_redirect(resp.status) && !resp.location.empty()) {
            if (redirects >= options.max_redirects) {
                res.ec = make_error_code(errc::too_many_redirects);
                res.error = "redirect: more than " + std::to_string(options.max_redirects) +
                            " redirects (--max-redirects)";
                co_return attempt_outcome{res.ec, false, resp.status, std::nullopt};
            }
            auto next = resolve_location(current, resp.location);
            if (!next.url) {
                res.ec = make_error_code(errc::bad_redirect);
                res.error = "redirect: " + next.problem;
                co_return attempt_outcome{res.ec, false, resp.status, std::nullopt};
            }
            current = std::move(*next.url);
            continue;
        }

        if (auto ec = decode_body(resp.content_encoding, resp.body, options.max_body)) {
            res.ec = ec;
            res.error =
                "decode: " + ec.message() + " (Content-Encoding: " + resp.content_encoding + ")";
            co_return attempt_outcome{ec, false, resp.status, std::nullopt};
        }
        res.bytes = resp.body.size();
        res.content_type = resp.content_type;
        if (options.keep_body) res.body = std::move(resp.body);

        attempt_outcome outcome{{}, false, resp.status, std::nullopt};
        if (resp.status >= 400) {
            res.ec = make_error_code(errc::http_status);
            res.error = "http: status " + std::to_string(resp.status) + " " + resp.reason;
            outcome.retry_after =
                parse_retry_after(resp.retry_after, std::chrono::system_clock::now());
        }
        co_return outcome;
    }
}

host_pool& client::impl::pool_for(const http_url& url) {
    auto& pool = pools[url.origin()];
    if (!pool) pool = std::make_unique<host_pool>(ex, options.per_host);
    return *pool;
}

asio::awaitable<failure> client::impl::request_once(const http_url& url, bool with_credentials,
                                                    response& resp, fetch_result& res) {
    auto& pool = pool_for(url);
    // Wait for a free slot for this host (--per-host); the summary reports the wait.
    const bool must_wait = pool.slots.full();
    const auto asked = clock_type::now();
    auto permit = co_await pool.slots.acquire();
    if (must_wait)
        res.queued_ms +=
            std::chrono::duration<double, std::milli>(clock_type::now() - asked).count();
    const in_flight_count counted(stats);
    res.in_flight_at_start = std::max(res.in_flight_at_start, stats.in_flight);
    const auto deadline = clock_type::now() + options.limits.request;
    for (;;) {
        std::unique_ptr<connection> conn;
        while (!conn && !pool.idle.empty()) {
            conn = std::move(pool.idle.back());
            pool.idle.pop_back();
            if (!idle_connection_usable(*conn)) conn.reset(); // closed here
        }
        const bool reused = conn != nullptr;
        if (reused) {
            ++stats.connections_reused;
        } else if (auto failed = co_await open_connection(url, deadline, conn)) {
            co_return failed;
        }

        resp = response{};
        auto failed = co_await exchange(*conn, url, with_credentials, deadline, resp);
        // An idle connection the server had closed: send again on another.
        if (failed && reused && !resp.got_some && detail::is_stale_connection(failed.ec)) continue;
        // After a failure the stream's state is unknown: the connection closes.
        if (!failed && resp.keep_alive) pool.idle.push_back(std::move(conn));
        co_return failed;
    }
}

bool client::impl::close_one_idle() {
    for (auto& [origin, pool] : pools) {
        if (pool->idle.empty()) continue;
        pool->idle.erase(pool->idle.begin()); // reuse takes from the back
        return true;
    }
    return false;
}

asio::awaitable<failure> client::impl::resolve(const http_url& url, clock_type::time_point deadline,
                                               std::vector<tcp::endpoint>& endpoints) {
    if (url.host_is_ip) {
        endpoints = {tcp::endpoint(asio::ip::make_address(url.host), url.port)};
        co_return failure{};
    }
    // The loop's resolver: cached while the TTL lasts, one query per name
    // however many requests ask, its timeout counted from when it is sent.
    const auto b = budget(options.limits.resolve, deadline);
    auto found = co_await resolver->resolve(url.host, dns::family::any, b.limit);
    if (found.queried) ++stats.dns_lookups;
    if (found.ec == errc::resolve_timeout)
        co_return fail("resolve " + url.host, timeout_code(b, errc::resolve_timeout));
    if (found.ec) co_return fail("resolve " + url.host, found.ec);
    for (const auto& address : found.addresses)
        endpoints.emplace_back(address, url.port);
    co_return failure{};
}

asio::awaitable<failure> client::impl::open_connection(const http_url& url,
                                                       clock_type::time_point deadline,
                                                       std::unique_ptr<connection>& conn) {
    // Resolve the host name (cached for the run).
    std::vector<tcp::endpoint> endpoints;
    if (auto failed = co_await resolve(url, deadline, endpoints)) co_return failed;

    // Connect: the addresses raced by Happy Eyeballs (RFC 8305), the first to
    // answer wins. Each attempt's socket is opened here, so running out of
    // descriptors is seen as that, and idle keep-alive connections (to any
    // origin) give theirs back first: -c was fitted to the limit, the idle
    // pool was not.
    conn = url.tls ? std::make_unique<connection>(ex, tls_context())
                   : std::make_unique<connection>(ex);
    auto& tcp_stream = conn->tcp();
    const auto connect_budget = budget(options.limits.connect, deadline);
    const std::string where = url.host_header;
    auto open = [this](tcp::socket& socket, const tcp::endpoint& endpoint) {
        error_code ec;
        socket.open(endpoint.protocol(), ec);
        while (out_of_descriptors(ec) && close_one_idle())
            socket.open(endpoint.protocol(), ec);
        return ec;
    };
    auto racing = happy_eyeballs_connect(std::move(endpoints), open);
    auto raced = co_await with_timeout(std::move(racing), connect_budget.limit);
    if (!raced)
        co_return fail("connect " + where, timeout_code(connect_budget, errc::connect_timeout),
                       true);
    if (raced->ec) co_return connect_failure(where, raced->ec);
    tcp_stream.socket() = std::move(*raced->socket);
    ++stats.connections_opened;
    // Small requests must not wait for Nagle / delayed ACKs.
    error_code ignored;
    tcp_stream.socket().set_option(tcp::no_delay(true), ignored);
    if (!url.tls) co_return failure{};

    // TLS handshake: SNI for names, certificate and host name checked by OpenSSL.
    auto& tls_stream = std::get<1>(conn->stream);
    SSL* ssl = tls_stream.native_handle();
    expect_host(ssl, url.host, url.host_is_ip);
    const auto tls_budget = budget(options.limits.tls, deadline);
    tcp_stream.expires_after(tls_budget.limit);
    auto [hs_ec] = co_await tls_stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hs_ec == beast::error::timeout)
        co_return fail("tls " + where, timeout_code(tls_budget, errc::tls_timeout));
    if (hs_ec)
        co_return failure{hs_ec, false, "tls " + where + ": " + tls_failure_reason(ssl, hs_ec)};
    co_return failure{};
}

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

client::client(asio::any_io_executor ex, client_options options)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(options))) {}

client::~client() = default;

asio::awaitable<fetch_result> client::fetch(std::string url) {
    return impl_->fetch(std::move(url));
}

const client_stats& client::stats() const noexcept {
    return impl_->stats;
}

const client_options& client::options() const noexcept {
    return impl_->options;
}

} // namespace asyncfetch::http
