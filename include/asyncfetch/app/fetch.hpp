// The fetch job: URL lists through the HTTP client, one JSON record per URL.
#pragma once

#include "asyncfetch/app/run.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/http/fetch_record.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::app {

struct fetch_config {
    std::string input = "-"; // URL list file; "-" is stdin
    bool keep_going = false; // malformed lines become error records
    run_settings run;        // -c / --serial (concurrency 1) / --compare, output
    http::client_options client;
};

// The record of one URL (http/fetch_record.hpp), as the commands name it.
using http::fetch_record;

// Checks a URL line for input files (the message names the problem).
std::optional<std::string> url_line_problem(std::string_view text);
// The same for a fetch's input, where a line may also be a JSON request
// object (http/request_line.hpp); its problem names the key.
std::optional<std::string> request_line_problem(std::string_view text);

// The fetch job kind for run_targets.
job_kind fetch_job(const http::client_options& options);

// Reads config.input and runs it. Problems in the file are reported as
// "FILE:LINE: problem" on stderr with exit_usage, unless keep_going.
int run_fetch(const fetch_config& config);

} // namespace asyncfetch::app
