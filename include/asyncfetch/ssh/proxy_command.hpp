// ssh_config's ProxyCommand: `/bin/sh -c COMMAND` with one end of a socketpair
// as its stdin and stdout (libssh2 uses send/recv, which fail on pipes). The
// session runs over the other end. The command runs in its own process group
// with no descriptor but 0, 1 and 2, and is killed and reaped with this object.
#pragma once

#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/generic/stream_protocol.hpp>

#include <sys/types.h>

#include <string>

namespace asyncfetch::ssh {

class proxy_process {
public:
    proxy_process() = default;
    ~proxy_process(); // SIGKILL to its process group, then reaped
    proxy_process(const proxy_process&) = delete;
    proxy_process& operator=(const proxy_process&) = delete;

    // Starts `command` for `where` (messages); `ours` gets our end.
    ssh_failure start(const std::string& command, const std::string& where,
                      boost::asio::generic::stream_protocol::socket& ours);

private:
    pid_t pid_ = -1;
};

} // namespace asyncfetch::ssh
