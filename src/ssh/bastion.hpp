// One bastion session and the tunnels on it. libssh2 1.10 allows one
// sequence of calls per session, so ONE coroutine (drive) makes every libssh2
// call on it, and enforces the three rules structurally:
//  - it waits on the socket only after a pass in which every pending call
//    said EAGAIN (and libssh2 holds no packet already read for a channel);
//  - after a call said EAGAIN with an outbound packet half sent, that call
//    runs again before any other (another would get LIBSSH2_ERROR_BAD_USE);
//  - one channel open is in flight at a time.
// The tunnels' local ends are pumped by small coroutines that only move bytes
// between the socketpair and the tunnel's buffers, and wake the driver.
#pragma once

#include "asyncfetch/core/event.hpp"
#include "asyncfetch/ssh/jump.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/generic/stream_protocol.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct _LIBSSH2_CHANNEL;

namespace asyncfetch::ssh {

// The most bytes held per direction per tunnel (libssh2's channel window,
// 2 MiB, bounds what it holds itself).
inline constexpr std::size_t tunnel_buffer = 64 * 1024;
// The most one read or write moves at once.
inline constexpr std::size_t tunnel_chunk = 16 * 1024;

struct tunnel_state {
    enum class phase { waiting, opening, open, done };
    tunnel_state(const boost::asio::any_io_executor& ex, std::string host, std::uint16_t port);

    std::string host;
    std::uint16_t port;
    phase now = phase::waiting;
    _LIBSSH2_CHANNEL* channel = nullptr;
    boost::asio::generic::stream_protocol::socket local; // the bastion's end
    std::string to_channel, to_local;                    // each at most tunnel_buffer
    bool local_eof = false;                              // the target's session closed its end
    bool remote_eof = false;                             // the channel's EOF or close arrived
    bool abandoned = false; // the requester gave up waiting for the channel
    std::chrono::steady_clock::time_point opening_since; // the connect timeout runs from here
    ssh_failure failure;                                 // why the channel could not be opened
    std::string bastion_failure; // "jump HOST:PORT: why": the bastion failed under it
    event changed;               // phase or buffers changed: requester and pumps look again
};

class bastion : public std::enable_shared_from_this<bastion> {
public:
    // Opens the bastion's session (directly, or over a tunnel of the hop before).
    using opener = std::function<boost::asio::awaitable<ssh_failure>(session&)>;

    bastion(boost::asio::any_io_executor ex, std::string name, std::size_t max_channels);

    // Spawns the driver: it opens the session, then serves requests.
    void start(opener open);
    // A channel to host:port; `out` gets the target's end.
    // Waiting for a free slot is not timed; the channel's opening takes at
    // most `connect_limit`.
    boost::asio::awaitable<ssh_failure> request(std::string host, std::uint16_t port,
                                                duration connect_limit, tunnel& out);
    // The tunnel (of the hop before) this bastion's session runs over.
    void carried_by(std::shared_ptr<tunnel> carrier) { carrier_ = std::move(carrier); }
    // No more requests: closes the session once the tunnels are done.
    void shutdown();
    // A pump changed a tunnel's buffers.
    void wake() { wake_.notify(); }

private:
    // Which libssh2 call, on which tunnel: the one to repeat after an outbound EAGAIN.
    enum class call { none, open, read, write, free };
    struct outcome {
        bool progress = false, again = false;
    };

    boost::asio::awaitable<void> drive(opener open);
    boost::asio::awaitable<void> serve();
    // One pass over every pending call; true when one made progress.
    bool pass();
    // `again`: c left a packet half sent; it runs whatever the tunnel's state now.
    outcome run(call c, const std::shared_ptr<tunnel_state>& t, bool again = false);
    outcome open_channel(const std::shared_ptr<tunnel_state>& t);
    outcome read_channel(tunnel_state& t, bool again);
    outcome write_channel(tunnel_state& t);
    outcome free_channel(tunnel_state& t);
    // After EAGAIN: was a packet left half sent? Then `c` runs first next time.
    void blocked_on(call c, const std::shared_ptr<tunnel_state>& t);
    // A call returned `rc` < 0: a channel's own error, or the session's death.
    void failed(tunnel_state& t, int rc, const char* doing);
    // Data or an EOF libssh2 already holds for a channel, or window to write.
    bool ready_inside() const;
    void die(boost::system::error_code ec, const std::string& why);
    void finish(tunnel_state& t);
    void spawn_pumps(const std::shared_ptr<tunnel_state>& t);

    boost::asio::any_io_executor ex_;
    std::string name_; // "host:port", in messages
    std::size_t max_channels_;
    session session_;
    event wake_;
    enum class state { opening, ready, dead } state_ = state::opening;
    bool stopping_ = false;
    ssh_failure failure_; // "jump HOST:PORT: why" once dead
    std::shared_ptr<tunnel> carrier_;
    bool any_again_ = false; // a call of this pass said EAGAIN
    bool drained_ = false;   // a read of this pass found the socket empty
    std::deque<std::shared_ptr<tunnel_state>> waiting_;
    std::shared_ptr<tunnel_state> opening_; // the one channel open in flight
    std::vector<std::shared_ptr<tunnel_state>> tunnels_;
    call blocked_ = call::none; // repeat first: an outbound packet is half sent
    std::shared_ptr<tunnel_state> blocked_tunnel_;
};

} // namespace asyncfetch::ssh
