// Keep-alives (ServerAliveInterval / --keepalive): libssh2 sends them when
// asked but counts no replies, so the driver keeps the time of the last byte
// the server sent and asks for a keep-alive only when no packet is half sent
// (libssh2 would answer the next different send with LIBSSH2_ERROR_BAD_USE).
#include "socket_wait.hpp"

#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libssh2.h>
#include <poll.h>

#include <string>

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace asyncfetch::ssh {

asio::awaitable<void> wait_ready(asio::generic::stream_protocol::socket& socket, int dirs) {
    using namespace asio::experimental::awaitable_operators;
    const bool in = dirs & LIBSSH2_SESSION_BLOCK_INBOUND;
    const bool out = dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND;
    if (in && out) {
        co_await (socket.async_wait(asio::socket_base::wait_read, asio::use_awaitable) ||
                  socket.async_wait(asio::socket_base::wait_write, asio::use_awaitable));
    } else if (out) {
        co_await socket.async_wait(asio::socket_base::wait_write, asio::use_awaitable);
    } else {
        co_await socket.async_wait(asio::socket_base::wait_read, asio::use_awaitable);
    }
}

bool ready_now(int fd, short events) {
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & events);
}

asio::awaitable<void> session::wait_socket_alive(int dirs) {
    using namespace asio::experimental::awaitable_operators;
    const int fd = socket_.native_handle();
    // As OpenSSH: a keep-alive after each whole interval of silence, and the
    // end one interval after the last of count of them went unanswered.
    const auto limit = keepalive_interval_ * (keepalive_count_max_ + 1);
    for (;;) {
        const auto now = clock_type::now();
        // Bytes waiting (even ones libssh2 has not asked for yet): the server lives.
        if (ready_now(fd, POLLIN)) last_inbound_ = now;
        const auto silent = now - last_inbound_;
        if (silent >= limit) {
            silent_server_ =
                "no answer to " + std::to_string(keepalive_count_max_) +
                " keep-alives (one every " + std::to_string(keepalive_interval_.count()) +
                " s): the server sent nothing for " + std::to_string(limit.count()) + " s";
            // Every libssh2 call on the session now fails, with that message.
            boost::system::error_code ignored;
            socket_.shutdown(asio::socket_base::shutdown_both, ignored);
            co_return;
        }
        // Wake at the next whole interval of silence.
        const auto wake = last_inbound_ + keepalive_interval_ * (silent / keepalive_interval_ + 1);
        asio::steady_timer timer(socket_.get_executor(), wake);
        auto woke = co_await (wait_ready(socket_, dirs) || timer.async_wait(asio::use_awaitable));
        if (woke.index() == 0) {
            if (ready_now(fd, POLLIN)) last_inbound_ = clock_type::now();
            co_return;
        }
        // Silent for a whole interval: a keep-alive (its reply is a byte
        // in), unless a packet is half sent or the socket could not take it.
        if (!(libssh2_session_block_directions(session_) & LIBSSH2_SESSION_BLOCK_OUTBOUND) &&
            ready_now(fd, POLLOUT)) {
            int next = 0;
            libssh2_keepalive_send(session_, &next);
        }
    }
}

} // namespace asyncfetch::ssh
