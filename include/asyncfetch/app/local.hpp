// `local`: a local command per target (a URL, a host, any line), run
// concurrently by the same runner as `ssh`, with the same records, summary,
// --compare, -j and exit statuses. The target goes in as argv words through
// the {}, {host} and {url} placeholders, never through a shell unless asked.
#pragma once

#include "asyncfetch/app/run.hpp"
#include "asyncfetch/core/parsed.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::app {

struct local_config {
    std::string targets_file = "-";
    bool keep_going = false;
    run_settings run;
    std::vector<std::string> command;              // words, with placeholders
    bool shell = false;                            // --shell: the words joined, run by sh -c
    std::chrono::steady_clock::duration timeout{}; // --timeout; zero: none
    std::chrono::steady_clock::duration kill_grace = std::chrono::seconds(2); // --kill-after
};

// The command's words checked: placeholders are {}, {host} and {url}; any
// other {name} is a mistake ("{{" writes a literal "{").
std::optional<std::string> command_problem(const std::vector<std::string>& words);

// The argv for one target: each placeholder replaced inside its word (a word
// stays one argument whatever the target holds); with no placeholder at all
// the target is the last argument. --shell: sh -c with the words joined and
// each substitution single-quoted. A target that has no host or is no URL
// for the placeholder used is the problem.
parsed<std::vector<std::string>> command_for(const local_config& config, std::string_view target);

// Checks a target line against the command's placeholders (read_input's validator).
target_validator placeholder_fit(const local_config& config);

job_kind local_job(std::shared_ptr<const local_config> config);

int run_local(const local_config& config);

} // namespace asyncfetch::app
