// The tunnels' side of a bastion: a request for a channel, and the pumps
// between each channel's buffers and its socketpair (no libssh2 call here:
// those are the driver's, in bastion.cpp).
#include "asyncfetch/core/use_tuple.hpp"
#include "bastion.hpp"

#include "asyncfetch/ssh/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace asio = boost::asio;
using stream = asio::generic::stream_protocol;

namespace asyncfetch::ssh {
namespace {

// The target's session to the channel: only the local socket, never libssh2.
asio::awaitable<void> pump_in(std::shared_ptr<tunnel_state> t, std::shared_ptr<bastion> b) {
    char buf[tunnel_chunk];
    while (t->now == tunnel_state::phase::open && !t->local_eof) {
        const auto room = tunnel_buffer - std::min(tunnel_buffer, t->to_channel.size());
        if (room == 0) {
            co_await t->changed.wait();
            continue;
        }
        auto [ec, n] = co_await t->local.async_read_some(
            asio::buffer(buf, std::min(room, tunnel_chunk)), use_tuple);
        if (t->now != tunnel_state::phase::open) co_return;
        if (ec) t->local_eof = true; // the session closed its end (or it broke)
        t->to_channel.append(buf, n);
        b->wake();
    }
}

// The channel to the target's session; its EOF passed on as a shutdown.
asio::awaitable<void> pump_out(std::shared_ptr<tunnel_state> t, std::shared_ptr<bastion> b) {
    char buf[tunnel_chunk];
    while (t->now == tunnel_state::phase::open) {
        if (t->to_local.empty()) {
            if (t->remote_eof) {
                boost::system::error_code ignored;
                t->local.shutdown(asio::socket_base::shutdown_send, ignored);
                co_return;
            }
            co_await t->changed.wait();
            continue;
        }
        // A copy: the driver may append to to_local while the write waits.
        const auto n = std::min(tunnel_chunk, t->to_local.size());
        std::memcpy(buf, t->to_local.data(), n);
        auto [ec, written] = co_await t->local.async_write_some(asio::buffer(buf, n), use_tuple);
        if (t->now != tunnel_state::phase::open) co_return;
        const bool was_full = t->to_local.size() >= tunnel_buffer;
        if (ec) {
            t->local_eof = true;
            t->to_local.clear();
        } else {
            t->to_local.erase(0, written);
        }
        if (ec || was_full) b->wake(); // the driver stopped reading this channel
    }
}

} // namespace

tunnel_state::tunnel_state(const asio::any_io_executor& ex, std::string h, std::uint16_t p)
    : host(std::move(h)), port(p), local(ex), changed(ex) {}

void bastion::spawn_pumps(const std::shared_ptr<tunnel_state>& t) {
    asio::co_spawn(ex_, pump_in(t, shared_from_this()), asio::detached);
    asio::co_spawn(ex_, pump_out(t, shared_from_this()), asio::detached);
}

asio::awaitable<ssh_failure> bastion::request(std::string host, std::uint16_t port,
                                              duration connect_limit, tunnel& out) {
    if (state_ == state::dead) co_return failure_;
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
        const boost::system::error_code ec(errno, boost::system::system_category());
        co_return ssh_failure{ec, "jump " + name_ + ": socketpair: " + ec.message()};
    }
    const stream unix_stream(AF_UNIX, 0);
    auto t = std::make_shared<tunnel_state>(ex_, host, port);
    t->local.assign(unix_stream, fds[0]);
    stream::socket mine(ex_, unix_stream, fds[1]);
    // Gone before the channel is ours (a timeout, a cancel): the driver closes it.
    struct leave_guard {
        tunnel_state& t;
        bastion& b;
        bool taken = false;
        ~leave_guard() {
            if (taken) return;
            t.abandoned = true;
            b.wake();
        }
    } guard{*t, *this};
    waiting_.push_back(t);
    wake_.notify();
    // Waiting for a free slot does not count against the connect timeout.
    while (t->now == tunnel_state::phase::waiting || t->now == tunnel_state::phase::opening) {
        if (t->now == tunnel_state::phase::waiting) {
            co_await t->changed.wait();
        } else if (!co_await t->changed.wait_until(t->opening_since + connect_limit)) {
            char text[64];
            std::snprintf(text, sizeof text, ": timed out after %.1f s",
                          std::chrono::duration<double>(connect_limit).count());
            co_return ssh_failure{make_error_code(ssh_errc::connect_timeout),
                                  "jump " + name_ + ": channel to " + host + ":" +
                                      std::to_string(port) + text};
        }
    }
    if (t->failure) co_return t->failure;
    if (!t->bastion_failure.empty()) co_return failure_;
    guard.taken = true;
    out.socket.emplace(std::move(mine));
    out.state = t;
    co_return ssh_failure{};
}

} // namespace asyncfetch::ssh
