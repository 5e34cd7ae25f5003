// One run of a scheduled job: its targets read, its records written to a temp
// file beside the output and renamed over it only when complete and on disk
// (core/atomic_file, through report::output), and what the run-log line says.
#pragma once

#include "asyncfetch/core/event.hpp"
#include "asyncfetch/report/output.hpp"
#include "asyncfetch/schedule/config.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace asyncfetch::schedule {

// The output path of one run: {job}, {time} (UTC, 20261123T101500Z) and {run}.
std::string expand_output(const std::string& pattern, const std::string& job,
                          std::chrono::system_clock::time_point start, unsigned run);

// What the scheduler lends a run.
struct run_context {
    const config& cfg;                           // read when the run starts
    event& stop;                                 // notified to cancel every running job
    const bool& cancelled;                       // set before `stop` is notified
    bool& write_failed;                          // set when the output cannot be written
    std::function<void(const std::string&)> say; // a progress line on stderr
    report::output_watch watch;                  // optional: the service's metrics
};

// Runs `spec` as run `number` and returns its run-log line: job, run, start,
// status ("ok", "failed", "cancelled" with the counts and output path, or
// "error" with why), end, elapsed_s. Never throws; a failed run keeps the
// previous output.
boost::asio::awaitable<nlohmann::ordered_json> run_job(const run_context& ctx, const job_spec& spec,
                                                       unsigned number);

// The time on a run-log or progress line: "2026-11-23T10:15:00Z".
std::string utc_stamp(std::chrono::system_clock::time_point t);

// A run-log line as a person reads it.
std::string run_summary(const nlohmann::ordered_json& line);

} // namespace asyncfetch::schedule
