// Requests to an origin: a --per-host slot, then a kept-alive connection
// that is still usable, or a new one; a reused connection the server had
// closed while idle is replaced and the request sent again.
#include "client_impl.hpp"
#include "h2/driver.hpp"

#include <poll.h>

#include <algorithm>

namespace asio = boost::asio;

namespace asyncfetch::http {

using detail::failure;
using detail::response;

// Sends of one request on other connections (an HTTP/2 stream refused,
// a kept-alive connection found closed) before its failure is the record's.
constexpr int max_resends = 4;

namespace detail {

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

} // namespace detail

namespace {

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

} // namespace

client::impl::host_pool& client::impl::pool_for(const http_url& url) {
    // The key is built in a kept string: no allocation per request.
    pool_key.assign(url.tls ? "https://" : "http://").append(url.host_header);
    auto& pool = pools[pool_key];
    if (!pool) pool = std::make_unique<host_pool>(ex, options.per_host);
    return *pool;
}

asio::awaitable<failure> client::impl::request_once(const http_url& url, const request& req,
                                                    bool with_credentials, detail::download* save,
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
    const bool h2 = h2_wanted(url);
    for (int resent = 0;; ++resent) {
        // HTTP/2: a stream on a connection this origin already has (h2/client_h2.cpp).
        if (h2) {
            auto shared = h2_with_room(pool);
            if (shared) {
                ++stats.connections_reused;
                res.http_version = "2";
                resp = response{};
                auto sent =
                    co_await exchange_h2(*shared, url, req, with_credentials, deadline, resp);
                if (sent.again && resent < max_resends) continue;
                co_return sent.failed;
            }
            // Another request is opening a connection that may speak it: share that one.
            if (pool.h2_opening && !pool.speaks_h1_only) {
                const bool settled = co_await pool.h2_settled.wait_until(deadline);
                if (!settled)
                    co_return detail::fail("request", make_error_code(errc::request_timeout));
                continue;
            }
        }
        std::unique_ptr<connection> conn;
        while (!conn && !pool.idle.empty()) {
            conn = std::move(pool.idle.back());
            pool.idle.pop_back();
            if (!detail::idle_connection_usable(*conn)) conn.reset(); // closed here
        }
        const bool reused = conn != nullptr;
        if (reused) {
            ++stats.connections_reused;
        } else {
            const bool announce = h2 && !pool.speaks_h1_only;
            if (announce) pool.h2_opening = true;
            auto failed = co_await open_connection(url, deadline, conn, h2);
            if (announce) {
                pool.h2_opening = false;
                if (!failed && !conn->speaks_h2) pool.speaks_h1_only = true;
                if (!failed && conn->speaks_h2) add_h2(pool, std::move(conn));
                pool.h2_settled.notify();
            }
            if (failed) co_return failed;
            if (!conn) continue; // now an HTTP/2 connection in the pool
        }
        res.http_version = "1.1";

        resp = response{};
        auto failed = co_await exchange(*conn, url, req, with_credentials, save, deadline, resp);
        // An idle connection the server had closed: send again on another,
        // whatever the method (nothing came back; curl does the same).
        if (failed && reused && !resp.got_some && detail::is_stale_connection(failed.ec) &&
            resent < max_resends)
            continue;
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

} // namespace asyncfetch::http
