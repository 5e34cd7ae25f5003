// A cleartext HTTP/2 server on loopback (prior knowledge) for the failure
// cases nginx will not stage: each request is answered as a script says
// (tests/tools/h2_peer.hpp: a response, a reset, silence), GOAWAY after a
// number of requests, a window never opened. Counts its connections.
#pragma once

#include "tools/h2_peer.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace asyncfetch::testing {

struct h2_server_options {
    // The answer to a request on the connection-th connection (from 0).
    std::function<h2_reply(const h2_request&, std::size_t connection)> answer;
    h2_peer_settings settings{};
    // On the first connection: after this many requests, GOAWAY naming the
    // last of them, later ones unanswered, and the connection closed. 0: never.
    std::size_t goaway_after = 0;
    // On the first connection: once this many requests arrived, unanswered,
    // the connection is closed (no GOAWAY). 0: never.
    std::size_t close_after = 0;
    // On the first connection: once this many requests arrived, nothing is
    // read or sent any more (PINGs unanswered), the socket left open. 0: never.
    std::size_t deaf_after = 0;
};

class h2_server {
public:
    explicit h2_server(h2_server_options options);
    ~h2_server(); // stops and joins
    h2_server(const h2_server&) = delete;
    h2_server& operator=(const h2_server&) = delete;

    std::string base_url() const; // http://127.0.0.1:PORT
    std::size_t connections() const;
    std::size_t requests() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace asyncfetch::testing
