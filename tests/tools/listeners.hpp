// Loopback listeners that misbehave, for timeout tests.
#pragma once

#include <cstdint>
#include <vector>

namespace asyncfetch::testing {

class listener {
public:
    listener(int fd, std::uint16_t port, std::vector<int> fillers)
        : fd_(fd), port_(port), fillers_(std::move(fillers)) {}
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;
    ~listener();
    std::uint16_t port() const noexcept { return port_; }

private:
    int fd_;
    std::uint16_t port_;
    std::vector<int> fillers_;
};

// A socket listening on 127.0.0.1 at a port the kernel picks (set in
// `port`); throws when it cannot listen.
int listen_on_loopback(int backlog, std::uint16_t& port);

// A loopback port nothing listens on (bound, read, closed): a connect to it
// is refused, and a server can take it.
std::uint16_t free_port();

// Connections complete (the kernel queues them) but nothing is ever read or
// written: TLS handshakes and requests wait forever.
listener silent_listener();

// The accept queue is already full, so the kernel drops new SYNs: a connect
// to it is never answered.
listener unanswered_listener();

} // namespace asyncfetch::testing
