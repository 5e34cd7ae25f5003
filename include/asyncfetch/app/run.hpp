// Running a job from the command line, whatever its kind (HTTP, SSH, SFTP):
// one pass or --compare (serial, then concurrent), Ctrl-C/SIGTERM handling,
// records, console lines, the summary and the exit status. Each kind
// supplies its operation and how its records look.
#pragma once

#include "asyncfetch/core/runner.hpp"
#include "asyncfetch/report/output.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::app {

// Exit statuses, as DESIGN.md and the README state them.
enum exit_status : int { exit_ok = 0, exit_failures = 1, exit_usage = 2, exit_interrupted = 130 };

struct run_settings {
    std::size_t concurrency = 100; // 1 runs serially; with processes > 1, per process
    std::size_t processes = 1;     // -j: worker processes (1: no fork)
    bool compare = false;          // a serial pass, then the concurrent one
    bool ordered = false;          // records in input order, not completion order
    report::output_options output;
};

struct job_kind {
    // A fresh operation for each pass (no state, such as warm connections,
    // carried from the serial pass into the concurrent one). The returned
    // holder keeps whatever the operation needs alive for the pass.
    std::function<std::pair<operation, std::shared_ptr<void>>(boost::asio::any_io_executor)>
        make_operation;
    // Optional: the operation inside one of `processes` worker processes (-j),
    // e.g. with a share of a run-wide limit. Unset: make_operation.
    std::function<std::pair<operation, std::shared_ptr<void>>(boost::asio::any_io_executor,
                                                              std::size_t processes)>
        make_worker_operation;
    // Optional, instead of an operation per target: drives a whole pass
    // itself, reporting to the sink (a crawl finds its targets as it goes:
    // they get indexes after the input's). Runs in one process.
    std::function<boost::asio::awaitable<void>(const std::vector<target>& inputs,
                                               std::size_t concurrency, const record_sink& sink)>
        drive;
    // The record of a target that yielded none (cancelled, or a bad input line).
    std::function<record(const std::string& text, std::string error, outcome result)> error_record;
    // Console lines (without -q): when a target starts, and when it ends.
    std::function<std::string(const target&)> started_line;
    std::function<std::string(const target&, const record&)> finished_line;
    // Optional: sees every record of the recorded pass (e.g. to list failed hosts).
    std::function<void(const target&, const record&)> observe;
    // What the summary says of the records' bytes ("received", "sent", ...).
    const char* bytes_verb = "received";
    // Optional: text printed on stderr after the summary.
    std::function<std::string()> epilogue;
    // Optional: the limit a target can wait for inside its operation, as it
    // applies with `processes` workers (e.g. "--per-host 4"), and how to lift
    // it: the summary's "limits" line names them when targets waited.
    std::function<std::string(std::size_t processes)> queue_limit;
    std::string queue_lift;
};

// Runs `targets`; `problems` (input lines rejected under --keep-going) become
// error records first. Returns the exit status.
int run_targets(const run_settings& settings, const job_kind& kind,
                const std::vector<target>& targets, const std::vector<input_problem>& problems);

// One recorded pass inside an event loop that is already running (the
// scheduler's): problem records first, then the targets, records to `out`
// (whose console lines and progress are off). Cancel it to stop early: the
// targets not done get "cancelled" records. Returns the wall time in seconds.
boost::asio::awaitable<double> run_recorded(const run_settings& settings, const job_kind& kind,
                                            const std::vector<target>& targets,
                                            const std::vector<input_problem>& problems,
                                            report::output& out);

// Reads an input file; on problems prints them and returns false (exit 2)
// unless keep_going.
bool read_input(const std::string& path, const target_validator& validate, bool keep_going,
                input_file& out);

} // namespace asyncfetch::app
