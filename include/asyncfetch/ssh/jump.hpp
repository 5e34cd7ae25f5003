// Jump hosts (-J, ProxyJump): a target is reached through a `direct-tcpip`
// channel of its bastion's libssh2 session, never by an `ssh` process. Every
// target behind one chain of bastions shares one session per bastion, with up
// to `max_channels` tunnels on it at once; further targets wait for a free
// slot (one session per bastion keeps sshd's MaxStartups and the bastion's log
// simple; a second session would only add a handshake). Each tunnel is a
// socketpair: the bastion's driver pumps bytes between the channel and one
// end, and the target's session is an ordinary session over the other end.
#pragma once

#include "asyncfetch/ssh/hosts.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace asyncfetch::ssh {

class known_hosts;
class bastion;
struct tunnel_state;

// One bastion of a chain: where it is and how to log in to it.
struct jump_hop {
    host_spec connect;
    session_options options;
    known_hosts* hosts = nullptr; // checks its host key; outlives the pool
};

// The target's end of a tunnel.
struct tunnel {
    std::optional<boost::asio::generic::stream_protocol::socket> socket; // for session::open_over
    std::shared_ptr<const tunnel_state> state;
    // "jump HOST:PORT: why" once the bastion carrying it has failed, else empty:
    // a target whose session broke then reports the bastion, not the symptom.
    std::string bastion_failure() const;
};

// Channels on one bastion session at once (sshd's MaxSessions does not count
// direct-tcpip channels; each costs sshd a socket and a buffer).
inline constexpr std::size_t default_jump_channels = 64;

// The bastion sessions of one run, keyed by the chain of hops.
class jump_pool {
public:
    explicit jump_pool(boost::asio::any_io_executor ex,
                       std::size_t max_channels = default_jump_channels);
    ~jump_pool(); // ends every bastion session (their drivers finish on their own)
    jump_pool(const jump_pool&) = delete;
    jump_pool& operator=(const jump_pool&) = delete;

    // A tunnel to host:port through `chain` (the first hop first), opening the
    // chain's sessions on first use. Fails with "jump HOST:PORT: why" when a
    // bastion cannot be reached or refuses, or the bastion cannot open the
    // channel within `connect_limit` (counted once a channel slot is free).
    boost::asio::awaitable<ssh_failure> open_tunnel(std::span<const jump_hop> chain,
                                                    const std::string& host, std::uint16_t port,
                                                    duration connect_limit, tunnel& out);

private:
    std::shared_ptr<bastion> bastion_for(std::span<const jump_hop> chain);

    boost::asio::any_io_executor ex_;
    std::size_t max_channels_;
    std::map<std::string, std::shared_ptr<bastion>> bastions_;
};

} // namespace asyncfetch::ssh
