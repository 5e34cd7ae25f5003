// The small HTTP server of `asyncfetch run --listen`: GET only, on the
// scheduler's event loop. It faces the network, so everything is bounded:
// open connections, request header bytes (no request body is accepted),
// the time to read a request and to write a reply, requests per connection;
// and off loopback every request carries a bearer token, compared in
// constant time.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace asyncfetch::schedule {

struct listen_address {
    boost::asio::ip::address address;
    std::uint16_t port = 0; // 0: any free port (tests)
};

// "127.0.0.1:9100", "[::1]:9100": an IP literal and a port (names are not
// resolved: what is exposed must be plain to see).
parsed<listen_address> parse_listen_address(std::string_view text);

struct listener_limits {
    std::size_t max_connections = 32;
    std::size_t max_header_bytes = 8 * 1024;                             // request line + headers
    std::chrono::milliseconds request_timeout{std::chrono::seconds(10)}; // read one / write one
    unsigned max_requests_per_connection = 100;
};

struct http_reply {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};
// Answers a GET of `path` (the request target without its query).
using http_route = std::function<http_reply(std::string_view path)>;

// True when the bearer token `given` equals `expected`, in time that does
// not depend on where they differ, nor on `given`'s length.
bool token_matches(std::string_view given, std::string_view expected);

class http_listener {
public:
    // Binds and listens now; throws boost::system::system_error on failure.
    // An empty `token`: no Authorization asked.
    http_listener(boost::asio::any_io_executor ex, const listen_address& at, std::string token,
                  http_route route, listener_limits limits = {});
    ~http_listener();
    http_listener(const http_listener&) = delete;
    http_listener& operator=(const http_listener&) = delete;

    std::uint16_t port() const;
    // Accepts until close().
    boost::asio::awaitable<void> serve();
    // Stops accepting and ends the open connections.
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace asyncfetch::schedule
