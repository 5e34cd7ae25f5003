// Proxies on 127.0.0.1 for tests, each on its own thread, recording what
// passed through them: an HTTP proxy (absolute-form requests sent on to
// their origin, CONNECT tunnels) and a SOCKS5 proxy (RFC 1928, user and
// password RFC 1929). With `credentials` ("user:password") each demands
// them: 407 / a refused login otherwise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::testing {

// One request or tunnel as the proxy saw it.
struct proxied {
    std::string what;          // "GET http://127.0.0.1:PORT/x", "CONNECT localhost:PORT",
                               // "socks5 name localhost:PORT", "socks5 ip 127.0.0.1:PORT"
    std::string authorization; // Proxy-Authorization, or "user:password" for SOCKS5
};

class test_proxy {
public:
    enum class kind { http, socks5 };
    explicit test_proxy(kind k = kind::http, std::string credentials = "");
    ~test_proxy();
    test_proxy(const test_proxy&) = delete;
    test_proxy& operator=(const test_proxy&) = delete;

    std::uint16_t port() const noexcept;
    std::vector<proxied> seen() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace asyncfetch::testing
