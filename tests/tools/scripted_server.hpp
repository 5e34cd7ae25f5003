// A keep-alive HTTP server on loopback that answers each request it reads
// with the next scripted byte sequence, whatever was asked: it can send
// interim responses, extra responses, endless chunk lines or trailers, or
// bytes nobody asked for, and it keeps every request it received.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::testing {

struct scripted_reply {
    std::string bytes{}; // the answer to one request, sent as is
    // Sent after `bytes` this many times (a flood of, e.g., chunk extension
    // bytes; sending stops when the client closes).
    std::string flood{};
    std::size_t flood_times = 0;
    // Sent on the same connection this long after `bytes`, unasked.
    std::chrono::milliseconds unsolicited_after{0};
    std::string unsolicited{};
    bool close = false; // close the connection after sending
};

class scripted_server {
public:
    // Replies are used in the order requests arrive, on any connection; a
    // request when none is left gets the connection closed.
    // With a certificate and key (PEM files), it speaks TLS; each write is
    // then its own TLS record.
    explicit scripted_server(std::vector<scripted_reply> replies, const std::string& cert_file = {},
                             const std::string& key_file = {});
    ~scripted_server(); // stops and joins
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    std::uint16_t port() const noexcept;
    std::string base_url() const;              // http://127.0.0.1:PORT
    std::vector<std::string> requests() const; // each request's head, in arrival order
    std::size_t connections() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// "HTTP/1.1 200 OK" with Content-Length and the body.
std::string ok_response(const std::string& body);

} // namespace asyncfetch::testing
