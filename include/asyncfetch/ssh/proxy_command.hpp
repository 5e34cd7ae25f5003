// ssh_config's ProxyCommand: `/bin/sh -c COMMAND` with one end of a socketpair
// as its stdin and stdout (libssh2 uses send/recv, which fail on pipes). The
// session runs over the other end. The command is a child_process: its own
// process group, no descriptor but 0, 1 and 2, killed and reaped with this
// object.
#pragma once

#include "asyncfetch/core/child_process.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/generic/stream_protocol.hpp>

#include <optional>
#include <string>

namespace asyncfetch::ssh {

class proxy_process {
public:
    // Starts `command` for `where` (messages); `ours` gets our end.
    ssh_failure start(const std::string& command, const std::string& where,
                      boost::asio::generic::stream_protocol::socket& ours);

private:
    std::optional<child_process> child_; // stderr stays ours (ssh -W reports there)
};

} // namespace asyncfetch::ssh
