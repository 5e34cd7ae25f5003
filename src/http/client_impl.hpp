// The client's state and its steps, one file per seam: client.cpp (attempts
// and redirects), connection_pool.cpp (a slot, a kept-alive connection or a
// new one), open_connection.cpp (resolve, connect, TLS) and exchange.cpp (one
// request and its response: the Beast HTTP instantiations). Private to src/http.
#pragma once

#include "connection.hpp"
#include "response_reader.hpp"

#include "asyncfetch/core/connect.hpp"
#include "asyncfetch/core/dns.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/core/tls.hpp"
#include "asyncfetch/core/tls_client_options.hpp"
#include "asyncfetch/http/cache.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/http/url.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <unordered_map>

namespace asyncfetch::http {

struct client::impl {
    using clock_type = std::chrono::steady_clock;
    using connection = detail::connection;
    using failure = detail::failure;
    using host_pool = detail::host_pool;
    using response = detail::response;

    impl(boost::asio::any_io_executor executor, client_options opts)
        : ex(std::move(executor)), options(std::move(opts)),
          resolver(dns::loop_resolver(ex, options.dns)), rng(std::random_device{}()) {
        start_stores();
    }
    // cookies_and_cache.cpp: the cookie store and the validator cache, if asked for.
    void start_stores();
    // The Cookie header for `url` (empty: none), and a response's Set-Cookie.
    std::string cookie_header(const http_url& url) const;
    void take_cookies(const http_url& url, const std::vector<std::string>& set_cookies);
    // --cache: makes `req` conditional when a usable entry is kept for it.
    std::optional<cache_entry> make_conditional(request& req, const detail::download* save) const;
    // --cache: a 304 completes `res` from the entry; a 2xx updates it.
    void remember_validators(const std::string& url, const std::optional<cache_entry>& entry,
                             fetch_result& res) const;

    // message_fields.cpp: a request's header fields (Host first), the same
    // for HTTP/1.1 and HTTP/2; `save`: a download asks for identity and its rest.
    detail::field_list request_fields(const http_url& url, const request& req,
                                      bool with_credentials, const detail::download* save) const;

    // Made on the first https URL: loading the system's CA store costs ~50 ms
    // of CPU, which a run of plain http URLs should not pay.
    boost::asio::ssl::context& tls_context() {
        if (!tls) tls.emplace(client_tls_context(options.verify_tls, options.ca_file, options.tls));
        return *tls;
    }

    boost::asio::awaitable<void> fetch(request req, fetch_result& res);
    // `req` is the first hop's request: method, body and headers as sent.
    // `save`: where a 2xx body goes (--save), or null.
    boost::asio::awaitable<attempt_outcome> follow_redirects(const http_url& start,
                                                             const request& req,
                                                             detail::download* save,
                                                             fetch_result& res);
    boost::asio::awaitable<failure> request_once(const http_url& url, const request& req,
                                                 bool with_credentials, detail::download* save,
                                                 response& resp, fetch_result& res);
    // `h2`: offer HTTP/2 (ALPN, or prior knowledge for http://).
    boost::asio::awaitable<failure> open_connection(const http_url& url,
                                                    clock_type::time_point deadline,
                                                    std::unique_ptr<connection>& conn,
                                                    bool h2 = false);
    // Connects to the one address there is, within the connect budget:
    // nullopt when the budget ran out (open_connection.cpp).
    boost::asio::awaitable<std::optional<connect_result>>
    connect_direct(const boost::asio::ip::tcp::endpoint& at, const phase_budget& b,
                   const socket_opener& open);
    boost::asio::awaitable<failure> resolve(const http_url& url, clock_type::time_point deadline,
                                            std::vector<boost::asio::ip::tcp::endpoint>& endpoints);
    boost::asio::awaitable<failure> exchange(connection& conn, const http_url& url,
                                             const request& req, bool with_credentials,
                                             detail::download* save,
                                             clock_type::time_point deadline, response& resp);
    template <class Stream>
    boost::asio::awaitable<failure> exchange_on(Stream& stream, connection& conn,
                                                const http_url& url, const request& req,
                                                bool with_credentials, detail::download* save,
                                                clock_type::time_point deadline, response& resp);
    // proxy_tunnel.cpp: on a connection to `via`, a tunnel to `url`'s
    // host; `resolved` is the address a socks5:// proxy is given (null:
    // the name, socks5h://).
    boost::asio::awaitable<failure> connect_tunnel(connection& conn, const http_url& url,
                                                   const proxy& via,
                                                   clock_type::time_point deadline);
    boost::asio::awaitable<failure> socks5_connect(connection& conn, const http_url& url,
                                                   const proxy& via,
                                                   const boost::asio::ip::address* resolved,
                                                   clock_type::time_point deadline);
    host_pool& pool_for(const http_url& url);
    // h2/client_h2.cpp: HTTP/2 for this URL (version flags, --save, proxy),
    // a connection with a free stream, one request as a stream.
    struct h2_attempt {
        failure failed;
        bool again = false; // not processed by the server: send on another stream
    };
    bool h2_wanted(const http_url& url) const;
    std::shared_ptr<h2::connection> h2_with_room(host_pool& pool);
    void add_h2(host_pool& pool, std::unique_ptr<connection> conn);
    boost::asio::awaitable<h2_attempt> exchange_h2(h2::connection& conn, const http_url& url,
                                                   const request& req, bool with_credentials,
                                                   clock_type::time_point deadline, response& resp);
    // Closes the longest-kept idle connection of some origin; false when none is idle.
    bool close_one_idle();

    boost::asio::any_io_executor ex;
    client_options options;
    std::optional<boost::asio::ssl::context> tls;
    std::unordered_map<std::string, std::unique_ptr<host_pool>> pools;
    std::string pool_key;                    // pool_for's scratch: an origin, as http_url::origin()
    std::shared_ptr<dns::resolver> resolver; // the loop's: its cache and limit are the run's
    client_stats stats;
    detail::deadline_watch deadlines{ex}; // plain HTTP/1.1 exchanges' (exchange.cpp)
    // Connects' limits: one per client, so each list stays in deadline order.
    detail::deadline_watch connect_deadlines{ex};
    clock_type::duration h2_ping_after = std::chrono::seconds(10);
    std::minstd_rand rng;
    std::optional<cookie_store> cookies;
    std::optional<validator_cache> cache;
};

} // namespace asyncfetch::http
