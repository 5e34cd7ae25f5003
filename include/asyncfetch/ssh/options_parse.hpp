// The SSH options as people write them (flags, config keys), read into the
// session's types. The CLI and the JSON config both call these.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <string_view>

namespace asyncfetch::ssh {

// "strict", "accept-new" or "off".
parsed<host_key_policy> parse_host_key_policy(std::string_view text);

// Ports of hosts lines without one.
inline constexpr long long min_port = 1, max_port = 65535;

} // namespace asyncfetch::ssh
