// How to reach and log in to each host: the flags of every SSH command and
// of SSH workers, read by the parsers next to their types.
#pragma once

#include "options.hpp"

#include "asyncfetch/app/ssh.hpp"

namespace asyncfetch::cli {

struct ssh_session_flags {
    bool ask_password = false, ask_passphrase = false, no_agent = false;
    bool askpass = false;                   // --askpass: the password and any other prompt
    CLI::Option* old_askpass = nullptr;     // -A, kept for one release
    std::string ssh_config;                 // -F: FILE, "none", or empty for the defaults
    std::chrono::milliseconds keepalive{0}; // --keepalive, whole seconds once read
    unsigned retries = 0;                   // --connect-retries: attempts - 1
    // The flags that, given, win over ssh_config.
    CLI::Option *user = nullptr, *port = nullptr, *identity = nullptr, *connect_timeout = nullptr,
                *known_hosts = nullptr, *global_known_hosts = nullptr, *policy = nullptr,
                *no_agent_flag = nullptr, *connect_retries = nullptr, *compression = nullptr,
                *keepalive_flag = nullptr, *keepalive_count = nullptr;
};

void add_ssh_session_options(CLI::App& cmd, app::ssh_config& c, ssh_session_flags& f);
void finish_ssh_session_options(app::ssh_config& c, const ssh_session_flags& f);

} // namespace asyncfetch::cli
