#include "bastion.hpp"

#include "asyncfetch/ssh/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libssh2.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace asio = boost::asio;
using stream = asio::generic::stream_protocol;

namespace asyncfetch::ssh {
namespace {

// A channel's own failure (the others end the session: the bastion is dead).
bool channel_error(int rc) {
    return rc == LIBSSH2_ERROR_CHANNEL_FAILURE || rc == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED ||
           rc == LIBSSH2_ERROR_CHANNEL_UNKNOWN || rc == LIBSSH2_ERROR_CHANNEL_WINDOW_EXCEEDED ||
           rc == LIBSSH2_ERROR_CHANNEL_PACKET_EXCEEDED || rc == LIBSSH2_ERROR_CHANNEL_CLOSED ||
           rc == LIBSSH2_ERROR_CHANNEL_EOF_SENT;
}

} // namespace

bastion::bastion(asio::any_io_executor ex, std::string name, std::size_t max_channels)
    : ex_(ex), name_(std::move(name)), max_channels_(std::max<std::size_t>(1, max_channels)),
      session_(ex), wake_(ex) {}

void bastion::start(opener open) {
    asio::co_spawn(ex_, drive(std::move(open)), asio::detached);
}

void bastion::shutdown() {
    stopping_ = true;
    wake_.notify();
}

asio::awaitable<void> bastion::drive(opener open) {
    auto self = shared_from_this(); // alive until the session is closed
    try {
        auto failure = co_await open(session_);
        if (failure) {
            die(failure.ec, failure.message);
            co_return;
        }
        state_ = state::ready;
        co_await serve();
    } catch (const std::exception& e) {
        die(asio::error::operation_aborted, e.what()); // cancelled (Ctrl-C): every tunnel ends
    }
    co_await session_.close();
}

asio::awaitable<void> bastion::serve() {
    using namespace asio::experimental::awaitable_operators;
    bool rechecked = false;
    while (state_ != state::dead) {
        if (stopping_ && waiting_.empty() && !opening_ && tunnels_.empty()) co_return;
        any_again_ = false;
        if (pass()) {
            rechecked = false;
            co_await asio::post(ex_, asio::use_awaitable); // let the pumps and sessions run
            continue;
        }
        if (state_ == state::dead) co_return;
        // A read may have taken another channel's packets into libssh2: look once more.
        if (blocked_ == call::none && !rechecked && ready_inside()) {
            rechecked = true;
            continue;
        }
        rechecked = false;
        // Every pending call said EAGAIN: the socket, or a pump, or a request.
        if (any_again_)
            co_await (session_.wait_socket() || wake_.wait());
        else
            co_await wake_.wait();
    }
}

bool bastion::pass() {
    bool progress = false;
    drained_ = false;
    if (blocked_ != call::none) {
        const auto c = blocked_;
        auto t = std::move(blocked_tunnel_);
        blocked_ = call::none;
        progress = run(c, t, true).progress;
        if (blocked_ != call::none || state_ == state::dead) return progress;
    }
    if (!opening_) {
        while (!waiting_.empty() && waiting_.front()->abandoned) {
            finish(*waiting_.front());
            waiting_.pop_front();
        }
        if (!waiting_.empty() && tunnels_.size() < max_channels_) {
            opening_ = std::move(waiting_.front());
            waiting_.pop_front();
            opening_->now = tunnel_state::phase::opening;
            opening_->opening_since = std::chrono::steady_clock::now();
            opening_->changed.notify();
        }
    }
    if (opening_) {
        auto t = opening_;
        progress |= run(call::open, t).progress;
        if (blocked_ != call::none || state_ == state::dead) return progress;
    }
    for (std::size_t i = 0; i < tunnels_.size(); ++i) {
        const auto t = tunnels_[i];
        for (const auto c : {call::read, call::write, call::free}) {
            progress |= run(c, t).progress;
            if (blocked_ != call::none || state_ == state::dead) return progress;
        }
    }
    std::erase_if(tunnels_, [](const auto& t) { return t->now == tunnel_state::phase::done; });
    return progress;
}

bastion::outcome bastion::run(call c, const std::shared_ptr<tunnel_state>& t, bool again) {
    outcome o;
    switch (c) {
    case call::open:
        o = open_channel(t);
        break;
    case call::read:
        o = read_channel(*t, again);
        break;
    case call::write:
        o = write_channel(*t);
        break;
    case call::free:
        o = free_channel(*t);
        break;
    case call::none:
        break;
    }
    if (o.again) blocked_on(c, t);
    return o;
}

void bastion::blocked_on(call c, const std::shared_ptr<tunnel_state>& t) {
    any_again_ = true;
    if (libssh2_session_block_directions(session_.raw()) & LIBSSH2_SESSION_BLOCK_OUTBOUND) {
        blocked_ = c;
        blocked_tunnel_ = t;
    }
}

bastion::outcome bastion::open_channel(const std::shared_ptr<tunnel_state>& t) {
    auto* s = session_.raw();
    LIBSSH2_CHANNEL* ch =
        libssh2_channel_direct_tcpip_ex(s, t->host.c_str(), t->port, "127.0.0.1", 22);
    if (!ch) {
        const int rc = libssh2_session_last_errno(s);
        if (rc == LIBSSH2_ERROR_EAGAIN) return {false, true};
        opening_.reset();
        if (!channel_error(rc)) {
            die(libssh2_error(rc), "open a channel: " + session_.last_error());
            return {true, false};
        }
        // The bastion could not reach the target (sshd says "connect failed").
        t->failure = {libssh2_error(rc), "jump " + name_ + ": channel to " + t->host + ":" +
                                             std::to_string(t->port) + ": " +
                                             session_.last_error()};
        finish(*t);
        return {true, false};
    }
    opening_.reset();
    t->channel = ch;
    t->now = tunnel_state::phase::open;
    tunnels_.push_back(t);
    if (t->abandoned)
        t->local_eof = true; // nobody takes it: closed at once
    else
        spawn_pumps(t);
    t->changed.notify();
    return {true, false};
}

bastion::outcome bastion::read_channel(tunnel_state& t, bool again) {
    // A read that left its window adjustment half sent runs again even when
    // the tunnel no longer wants bytes (its buffer may then hold one chunk more).
    if (!again) {
        if (t.now != tunnel_state::phase::open || t.remote_eof || t.local_eof) return {};
        if (t.to_local.size() >= tunnel_buffer) return {};
        // Another read of this pass drained the socket: libssh2 holds all
        // there was, so a channel with nothing queued would say EAGAIN too
        // (without a recv per channel per pass).
        if (drained_ && !libssh2_poll_channel_read(t.channel, 0) &&
            !libssh2_channel_eof(t.channel)) {
            any_again_ = true;
            return {};
        }
    }
    char buf[tunnel_chunk];
    const auto room =
        again ? tunnel_chunk : std::min(tunnel_chunk, tunnel_buffer - t.to_local.size());
    const auto rc = libssh2_channel_read(t.channel, buf, room);
    if (rc > 0) {
        t.to_local.append(buf, static_cast<std::size_t>(rc));
        t.changed.notify();
        return {true, false};
    }
    if (rc < 0 && rc != LIBSSH2_ERROR_EAGAIN) {
        failed(t, static_cast<int>(rc), "read");
        return {true, false};
    }
    if (libssh2_channel_eof(t.channel)) {
        t.remote_eof = true;
        t.changed.notify();
        return {true, rc == LIBSSH2_ERROR_EAGAIN};
    }
    drained_ = drained_ || rc == LIBSSH2_ERROR_EAGAIN;
    return {false, rc == LIBSSH2_ERROR_EAGAIN};
}

bastion::outcome bastion::write_channel(tunnel_state& t) {
    if (t.now != tunnel_state::phase::open || t.to_channel.empty()) return {};
    const auto rc = libssh2_channel_write(t.channel, t.to_channel.data(),
                                          std::min(t.to_channel.size(), 2 * tunnel_chunk));
    if (rc == LIBSSH2_ERROR_EAGAIN) return {false, true};
    if (rc < 0) {
        failed(t, static_cast<int>(rc), "write");
        return {true, false};
    }
    const bool was_full = t.to_channel.size() >= tunnel_buffer;
    t.to_channel.erase(0, static_cast<std::size_t>(rc));
    if (was_full) t.changed.notify(); // pump_in waits for room
    return {true, false};
}

bastion::outcome bastion::free_channel(tunnel_state& t) {
    // Once the target's session has closed its end and what it sent is out.
    if (t.now != tunnel_state::phase::open || !t.local_eof || !t.to_channel.empty()) return {};
    const int rc = libssh2_channel_free(t.channel); // sends the close, waits for the reply
    if (rc == LIBSSH2_ERROR_EAGAIN) return {false, true};
    t.channel = nullptr;
    finish(t);
    return {true, false};
}

void bastion::failed(tunnel_state& t, int rc, const char* doing) {
    if (!channel_error(rc)) {
        die(libssh2_error(rc), std::string(doing) + ": " + session_.last_error());
        return;
    }
    // This channel only: its session sees the end of its stream.
    t.local_eof = true;
    t.to_channel.clear();
    boost::system::error_code ignored;
    t.local.close(ignored);
}

bool bastion::ready_inside() const {
    for (const auto& t : tunnels_) {
        if (t->now != tunnel_state::phase::open) continue;
        if (!t->remote_eof && !t->local_eof && t->to_local.size() < tunnel_buffer &&
            (libssh2_poll_channel_read(t->channel, 0) || libssh2_channel_eof(t->channel)))
            return true;
        if (!t->to_channel.empty() && libssh2_channel_window_write_ex(t->channel, nullptr) > 0)
            return true;
    }
    return false;
}

void bastion::finish(tunnel_state& t) {
    t.now = tunnel_state::phase::done;
    boost::system::error_code ignored;
    t.local.close(ignored);
    t.changed.notify();
}

void bastion::die(boost::system::error_code ec, const std::string& why) {
    // A bastion carried by a tunnel that broke says where it broke.
    const auto carried = carrier_ ? carrier_->bastion_failure() : std::string();
    failure_ = {ec, carried.empty() ? "jump " + name_ + ": " + why : carried};
    state_ = state::dead;
    auto fail = [this](tunnel_state& t) {
        t.bastion_failure = failure_.message;
        t.channel = nullptr; // freed with the session
        finish(t);
    };
    for (auto& t : waiting_)
        fail(*t);
    if (opening_) fail(*opening_);
    for (auto& t : tunnels_)
        fail(*t);
    waiting_.clear();
    opening_.reset();
    tunnels_.clear();
    blocked_ = call::none;
    blocked_tunnel_.reset();
}

} // namespace asyncfetch::ssh
