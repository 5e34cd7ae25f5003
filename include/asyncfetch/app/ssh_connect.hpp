// Reaching one planned host: directly, through its jump hosts (a tunnel of
// the run's jump pool), or over its ProxyCommand; then the usual handshake,
// host key check and authentication.
#pragma once

#include "asyncfetch/app/ssh_hosts.hpp"
#include "asyncfetch/ssh/jump.hpp"
#include "asyncfetch/ssh/proxy_command.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace asyncfetch::app {

// A host's session with what carries it. Members end in reverse order: the
// session first, then its tunnel, then the ProxyCommand.
struct host_connection {
    explicit host_connection(const boost::asio::any_io_executor& ex) : session(ex) {}
    ssh::proxy_process proxy;
    ssh::tunnel tunnel;
    ssh::session session;

    // The error a record shows for `error`, a failure once connected: the
    // bastion's own when it died under the session ("jump HOST:PORT: why").
    std::string error_for(std::string error) const;
};

boost::asio::awaitable<ssh::ssh_failure> connect_host(host_connection& c, const host_plan& plan,
                                                      known_hosts_cache& hosts,
                                                      ssh::jump_pool& jumps);

} // namespace asyncfetch::app
