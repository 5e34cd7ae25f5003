// Looking up a host name for an SSH connection, in a way a timeout can end.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace asyncfetch::ssh {

// The addresses of host:port. getaddrinfo runs on Asio's resolver thread and
// cannot be cancelled: the lookup is left to finish there while this waits
// for it on a timer used as an event, which a timeout (or Ctrl-C) cancels
// (the cancel arrives as an operation_aborted exception).
boost::asio::awaitable<
    std::pair<boost::system::error_code, std::vector<boost::asio::ip::tcp::endpoint>>>
resolve_host(boost::asio::any_io_executor ex, std::string host, std::uint16_t port);

} // namespace asyncfetch::ssh
