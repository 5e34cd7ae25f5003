// Waiting on a session's socket in the directions libssh2 names (shared by
// the plain wait and the one with keep-alives).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>

namespace asyncfetch::ssh {

// Until `socket` is ready in the given LIBSSH2_SESSION_BLOCK_* directions.
boost::asio::awaitable<void> wait_ready(boost::asio::generic::stream_protocol::socket& socket,
                                        int directions);

// Whether `fd` is ready for `events` (POLLIN, POLLOUT) right now.
bool ready_now(int fd, short events);

} // namespace asyncfetch::ssh
