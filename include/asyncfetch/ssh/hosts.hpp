// Hosts lines as pssh reads them: [user@]host[:port], IPv6 as [::1]:2222.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::ssh {

struct host_spec {
    std::string user;       // empty: the default user
    std::string host;       // name or address, IPv6 without brackets
    std::uint16_t port = 0; // 0: the default port

    // "user@host:port" with the defaults filled in, for records and messages.
    std::string display() const;
};

// A password in the line ("user:password@host") is refused: it belongs in
// --password-env or --password-file, never in a file read as plain text.
parsed<host_spec> parse_host_line(std::string_view text);

// -J and ProxyJump: "[user@]host[:port][,...]", the first hop first; "none"
// is no jump host (an empty list). At most max_jump_hops hops.
inline constexpr std::size_t max_jump_hops = 8;
parsed<std::vector<host_spec>> parse_jump_hosts(std::string_view text);

// The line as it may be shown in a message: a password masked ("user:***@host").
std::string printable_host_line(std::string_view text);

} // namespace asyncfetch::ssh
