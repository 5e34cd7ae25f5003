// The fetch job end to end: read a URL list, run it (serially, concurrently,
// or both with --compare), write records and the summary, and turn the
// outcome into an exit status. The CLI and the demo both call this.
#pragma once

#include "asyncfetch/core/target.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/report/output.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace asyncfetch::app {

// Exit statuses, as DESIGN.md and the README state them.
enum exit_status : int { exit_ok = 0, exit_failures = 1, exit_usage = 2, exit_interrupted = 130 };

struct fetch_config {
    std::string input = "-";         // URL list file; "-" is stdin
    std::size_t concurrency = 100;   // -c
    bool serial = false;             // --serial
    bool compare = false;            // --compare: serial run, then concurrent
    bool keep_going = false;         // malformed lines become error records
    report::output_options output;
    http::client_options client;
};

// Checks a URL line for input files (the message names the problem).
std::optional<std::string> url_line_problem(std::string_view text);

// Reads config.input and runs it. Problems in the file are reported as
// "FILE:LINE: problem" on stderr with exit_usage, unless keep_going.
int run_fetch(const fetch_config& config);

// Runs already-read targets; `problems` become error records (keep_going).
int run_fetch_targets(const fetch_config& config, const std::vector<target>& targets,
                      const std::vector<input_problem>& problems);

} // namespace asyncfetch::app
