// --pty and --sudo around one host's command (private to src/app): the
// command line that runs remotely, sudo's prompt answered, and sudo's outcome
// as the record's error.
#pragma once

#include "asyncfetch/app/ssh.hpp"
#include "asyncfetch/ssh/exec.hpp"
#include "asyncfetch/ssh/sudo.hpp"

#include <memory>
#include <string>

namespace asyncfetch::app {

struct exec_mode {
    std::string command;                     // what runs remotely
    std::shared_ptr<ssh::sudo_watcher> sudo; // set with --sudo
};

// Sets options.pty and, with --sudo, options.respond (the watcher).
exec_mode prepare_exec_mode(const exec_config& config, ssh::exec_options& options);

// After the command: sudo's prompt removed from the output kept, and what
// went wrong with sudo ("" when nothing did), for the record's error.
std::string finish_exec_mode(const exec_config& config, const exec_mode& mode,
                             ssh::exec_result& result);

} // namespace asyncfetch::app
