// How each host of an SSH job is reached: its hosts line, the command line's
// flags and the ssh_config files, in ssh's order (the hosts line, then flags
// given on the command line, then the files, then the defaults).
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/ssh/hosts.hpp"
#include "asyncfetch/ssh/known_hosts.hpp"
#include "asyncfetch/ssh/session.hpp"
#include "asyncfetch/ssh/ssh_config.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asyncfetch::app {

// Which session settings the command line (or a JSON config key) gave: these
// win over ssh_config; the others are the files' to set.
struct ssh_flags_given {
    bool user = false, port = false, identity = false, connect_timeout = false;
    bool known_hosts = false, global_known_hosts = false, policy = false, agent = false;
    bool connect_retries = false, compression = false, keepalive = false, keepalive_count = false;
};

// The ssh_config files every host is resolved in (-F).
struct ssh_config_files {
    std::vector<ssh::config_file> files; // empty: -F none
    ssh::config_context context;
};

// Reads `option`: a file, "none" (no files), or empty for OpenSSH's defaults
// (~/.ssh/config, then /etc/ssh/ssh_config). The problem ("FILE:LINE: ...")
// otherwise.
parsed<std::shared_ptr<const ssh_config_files>> load_ssh_config(const std::string& option);

// What the hosts line, flags and files settle for one host.
struct host_plan {
    ssh::host_spec shown;   // the name as written, with the user and port used (records)
    ssh::host_spec connect; // where the session goes: HostName, Port and User applied
    ssh::session_options session;
    std::string problem; // set: the host cannot be reached as configured (its error record)
    // -J or ProxyJump: the bastions, first hop first, each planned as a host
    // of its own (empty: direct). ProxyCommand: the command, tokens expanded.
    std::vector<host_plan> jumps;
    std::string proxy_command;
};

// `line_spec`: the hosts line as parsed (user and port 0 where it has none).
// `jump`: -J (an empty list: "none", direct); unset: ssh_config's ProxyJump.
host_plan plan_host(const ssh::host_spec& line_spec, const std::string& default_user,
                    std::uint16_t default_port, const ssh::session_options& base,
                    const ssh_flags_given& given, const ssh_config_files* files,
                    const std::optional<std::vector<ssh::host_spec>>& jump = std::nullopt);

// One known_hosts per distinct set of files and policy (ssh_config may give
// hosts their own), each read once for the run.
using known_hosts_cache = std::map<std::string, std::unique_ptr<ssh::known_hosts>>;
ssh::known_hosts& known_hosts_for(known_hosts_cache& all, const host_plan& plan);

} // namespace asyncfetch::app
