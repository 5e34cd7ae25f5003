// An HTTP(S) server on loopback with slow, flaky and misbehaving endpoints,
// running on its own thread and io_context. It backs `asyncfetch demo`, the
// integration tests and the benchmarks (via the asyncfetch-testserver binary).
//
// Endpoints:
//   /                      a short index of these endpoints
//   /delay/D               answers after D (e.g. 200ms, 1.5s; a bare number is ms)
//   /gather/N              answers once N requests were in the server at once
//                          (504 after 10 s if they never were)
//   /bytes/N               N bytes of text; a Range is honoured (206,
//                          Content-Range) unless ?range=ignore (200, all) or
//                          ?range=wrong (206 with a Content-Range not asked for)
//   /echo                  the request as JSON: method, target, headers, body
//   /redirect-code/N?url=U a redirect with status N (301, 302, 303, 307, 308) to U
//   /status/N              status N
//   /redirect/N            N redirects, then 200
//   /redirect-to?url=U     one redirect to U (absolute or relative)
//   /loop                  redirects to itself
//   /flaky/N?key=K&status=S&retry_after=R
//                          first N requests for key K get status S (default 503)
//                          with Retry-After: R (seconds) when given, then 200
//   /gzip/N                N bytes, gzip-encoded
//   /br/N, /zstd/N         N bytes, brotli- or zstd-encoded
//   /headers               echoes the request's headers
//   /reset                 promises 100000 bytes, sends 1000, then resets
//   /close                 closes the connection without answering
//   /site/N                page N (0-39) of a linked site, 100 ms each: links
//                          to pages 3N+1..3N+3, the top, /bytes/100, /private/N
//   /robots.txt            keeps crawlers out of /private/
//   /set-cookie?c=SPEC&to=U each c a Set-Cookie; with to, a 302 to U
//   /cached/N?key=K&only=etag|lm
//                          N bytes with an ETag and a Last-Modified for K's
//                          version; 304 to a conditional request that matches
//   /touch?key=K           /cached's K changes (new ETag and Last-Modified)
// Pages given in server_options::pages are served first, by exact target.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace asyncfetch::testserver {

// A fixed answer for one request target (path and query).
struct static_page {
    unsigned status = 200;
    std::string content_type = "text/html";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers = {}; // e.g. Content-Encoding
};

// One request as the server saw it.
struct logged_request {
    std::chrono::steady_clock::time_point at;
    std::string target;
    std::string method;
    std::string body;
    std::string content_type;
    std::string host; // the Host header
};

struct server_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0; // 0: any free port
    std::string cert_file;  // PEM; TLS when cert and key are both set
    std::string key_file;
    std::string client_ca_file; // with TLS: a client certificate from this CA is required
    int tls_max_version = 0;    // with TLS: e.g. TLS1_2_VERSION; 0: OpenSSL's highest
    std::map<std::string, static_page> pages; // e.g. a small site for crawl tests
};

class server {
public:
    explicit server(server_options options = {});
    ~server(); // stops and joins
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    std::uint16_t port() const noexcept;
    std::string base_url() const; // e.g. http://127.0.0.1:PORT
    std::uint64_t connections_accepted() const noexcept;
    std::uint64_t requests_served() const noexcept;
    // Bytes of response bodies written, all requests together.
    std::uint64_t body_bytes_served() const noexcept;
    std::uint64_t peak_requests_in_flight() const noexcept; // most requests handled at once
    std::vector<logged_request> request_log() const;        // every request, in arrival order
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace asyncfetch::testserver
