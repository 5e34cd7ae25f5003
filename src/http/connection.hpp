// A kept-alive HTTP/1.1 connection and the pool of them for one origin.
// Private to src/http (the client's I/O).
#pragma once

#include "response_reader.hpp"

#include "asyncfetch/core/event.hpp"
#include "asyncfetch/core/limiter.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include <memory>
#include <variant>
#include <vector>

namespace asyncfetch::http::h2 {
class connection;
}

namespace asyncfetch::http::detail {

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
    // Through an http:// proxy to an http:// URL: requests in absolute form,
    // with this Proxy-Authorization (empty: none).
    bool via_http_proxy = false;
    std::string proxy_authorization;
    bool speaks_h2 = false; // ALPN chose h2, or prior knowledge: h2/driver.hpp drives it
};

// An idle connection on which anything arrived (bytes, EOF, a TLS record)
// cannot carry a request: what is there answers no request of ours, and a
// response would be read behind it. Checked without waiting.
bool idle_connection_usable(connection& conn);

// Connections to one origin, and the limit on requests in flight to it.
struct host_pool {
    host_pool(const asio::any_io_executor& ex, std::size_t limit)
        : slots(ex, limit), h2_settled(ex) {}
    limiter slots;
    std::vector<std::unique_ptr<connection>> idle;
    // HTTP/2: the connections carrying this origin's streams; while one is
    // being opened that may speak it, other requests wait to share it.
    std::vector<std::shared_ptr<h2::connection>> h2;
    bool h2_opening = false;
    bool speaks_h1_only = false; // ALPN chose http/1.1: nobody waits
    asyncfetch::event h2_settled;
};

} // namespace asyncfetch::http::detail
