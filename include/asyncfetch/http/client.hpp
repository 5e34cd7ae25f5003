// The HTTP(S) client: GET with pooled keep-alive connections (bounded per
// host), TLS verified by default, redirects, gzip/deflate, a body cap, a
// timeout per phase and retries with backoff. One client per event loop; all
// of its work runs on that loop's single thread.
#pragma once

#include "asyncfetch/core/dns_options.hpp"
#include "asyncfetch/core/tls_client_options.hpp"
#include "asyncfetch/http/cookies.hpp"
#include "asyncfetch/http/netrc.hpp"
#include "asyncfetch/http/proxy.hpp"
#include "asyncfetch/http/request.hpp"
#include "asyncfetch/http/retry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncfetch::http {

struct timeouts {
    duration resolve = std::chrono::seconds(10);
    duration connect = std::chrono::seconds(10);
    duration tls = std::chrono::seconds(10);
    duration request = std::chrono::seconds(30); // one attempt: connect to last body byte
};

// Which HTTP version a request goes over: HTTP/2 where TLS's ALPN offers
// it (else HTTP/1.1), or one forced by --http1.1 / --http2.
enum class http_version { automatic, http1_1, http2 };

struct client_options {
    // Requests in flight per origin; 0 = no limit. A fetch's -c alone bounds
    // it (as curl -Z and aiohttp do); a crawl is polite (crawl::polite_per_host).
    std::size_t per_host = 0;
    int max_redirects = 10;
    std::uint64_t max_body = 64ull << 20; // bytes, after decoding
    timeouts limits;
    retry_policy retry;
    std::vector<std::pair<std::string, std::string>>
        headers; // -H, replace defaults of the same name
    // Names of headers whose values are secret (-H @FILE, --header-env): like
    // Authorization and Cookie, sent only to the origin they were given for.
    std::vector<std::string> secret_headers;
    bool location_trusted = false; // --location-trusted: credentials follow any redirect
    std::string user_agent = "asyncfetch/0.1";
    bool verify_tls = true; // --insecure turns it off
    std::string ca_file;    // --cacert; empty: the system's trust store
    tls_client_options tls; // --cert, --key, --key-passphrase-env, --tls-min
    bool keep_body = false; // return the decoded body in the result
    // The request every URL line makes (a request line may say otherwise):
    std::string method;     // -X; empty: POST when there is a body, else GET
    std::string body;       // --data, --json: sent with every request
    bool retry_all = false; // --retry-all: retry POST, PATCH... too (not idempotent)
    // Bodies kept (http/save_path.hpp names the file under save_dir):
    std::string save_dir;                    // --save: a 2xx body streamed to a file
    bool resume = false;                     // --continue: PATH.part kept, resumed with Range
    std::uint64_t max_saved_body = 0;        // 0: none (--max-body, when given, also here)
    std::vector<std::string> record_headers; // --record-headers: copied into the result
    dns::dns_options dns;   // names resolve on the loop's resolver for these options
    proxy_settings proxies; // --proxy, --noproxy, the *_proxy environment
    // What a run remembers and where credentials come from:
    netrc netrc_entries;         // --netrc, --netrc-file: basic auth for each entry's host
    bool use_cookies = false;    // a cookie store (on with -b or --cookie-jar, as in curl)
    std::vector<cookie> cookies; // -b FILE: the store starts with these
    std::string cookie_jar;      // --cookie-jar: where the run's cookies go at its end
    std::string cache_dir;       // --cache: validators per URL, conditional requests
    http_version version = http_version::automatic;
    bool http2_prior_knowledge = false; // --http2-prior-knowledge: http:// URLs over HTTP/2 too
};

struct fetch_result {
    std::string final_url;
    std::string method;      // the first request's
    unsigned status = 0;     // last response's status; 0 when none arrived
    std::uint64_t bytes = 0; // decoded body size
    int attempts = 0;
    boost::system::error_code ec; // empty on success (2xx/3xx without Location)
    std::string error;            // "phase: message" when ec is set
    std::string content_type;
    std::string body;       // only with keep_body
    std::string saved_file; // with save_dir: where the body is
    std::string sha256;     // of the saved file, hex
    bool resumed = false;   // the file was completed from a kept part

    // --cache: a 304 to our conditional request; the final response's validators.
    bool not_modified = false;
    std::string etag, last_modified;
    std::vector<std::pair<std::string, std::string>> headers; // record_headers found
    double queued_ms = 0;               // waited for a --per-host slot, all attempts together
    std::size_t in_flight_at_start = 0; // this client's requests on the wire as it was sent
    std::string http_version;           // of the last response: "1.1" or "2"; empty: none
};

// Counters for tests and summaries.
struct client_stats {
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_reused = 0;
    std::uint64_t dns_lookups = 0;  // names this client had resolved (not from the cache)
    std::size_t in_flight = 0;      // requests holding a per-host slot now
    std::size_t peak_in_flight = 0; // the most at once
};

class client {
public:
    client(boost::asio::any_io_executor ex, client_options options);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Fetches one URL with redirects and retries. Never throws for network or
    // HTTP failures (they are in the result); a user cancel throws
    // operation_aborted.
    boost::asio::awaitable<fetch_result> fetch(std::string url);
    // The same for a request with its own method, headers and body (an empty
    // method: options' method, else POST with a body, else GET).
    boost::asio::awaitable<fetch_result> fetch(request req);
    // The same, the result written into `into`: a caller holding thousands
    // of requests then keeps one result for each, not a second in this frame.
    boost::asio::awaitable<void> fetch(request req, fetch_result& into);

    const client_stats& stats() const noexcept;
    const client_options& options() const noexcept;
    // The cookie store's unexpired cookies now (for --cookie-jar).
    std::vector<cookie> cookies() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace asyncfetch::http
