// Happy Eyeballs (RFC 8305): connect to a host's addresses in turn, IPv6 and
// IPv4 interleaved, starting the next attempt 250 ms after the previous one
// unless it has connected (or at once when it failed); the first connection
// wins and the others are abandoned. A host with one dead address family is
// then reached in 250 ms instead of after a full connect timeout.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

namespace asyncfetch {

// The order to try `addresses` (already in preference order): families
// alternate, starting with the family of the first (RFC 8305 section 4).
std::vector<boost::asio::ip::tcp::endpoint>
interleave_families(const std::vector<boost::asio::ip::tcp::endpoint>& addresses);

struct connect_result {
    boost::system::error_code ec; // the last attempt's error when none connected
    std::optional<boost::asio::ip::tcp::socket> socket;
    boost::asio::ip::tcp::endpoint endpoint;
};

// Opens the socket of one attempt; an error fails that attempt (the next one
// starts at once). Empty: socket.open(endpoint.protocol()).
using socket_opener = std::function<boost::system::error_code(
    boost::asio::ip::tcp::socket&, const boost::asio::ip::tcp::endpoint&)>;

// Has no deadline of its own: wrap it in with_timeout (its cancel closes
// every attempt). A cancel reaches the caller as operation_aborted.
boost::asio::awaitable<connect_result> happy_eyeballs_connect(
    std::vector<boost::asio::ip::tcp::endpoint> addresses, socket_opener open = {},
    std::chrono::steady_clock::duration attempt_delay = std::chrono::milliseconds(250));

} // namespace asyncfetch
