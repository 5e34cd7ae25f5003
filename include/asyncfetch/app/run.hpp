// Running a job (core/job.hpp) from the command line, whatever its kind
// (HTTP, SSH, SFTP): one pass or --compare (serial, then concurrent),
// Ctrl-C/SIGTERM handling, records, console lines, the summary and the exit
// status. Each kind supplies its operation and how its records look.
#pragma once

#include "asyncfetch/app/target_input.hpp"
#include "asyncfetch/core/job.hpp"
#include "asyncfetch/report/output.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

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
    std::size_t max_failures = 0;  // --max-failures (--fail-fast: 1); 0: run every target
    on_failure_limit on_failure = on_failure_limit::finish; // then, the running targets
    report::output_options output;
};

// The job, as the commands name it.
using asyncfetch::job_kind;

// Runs `targets`; `problems` (input lines rejected under --keep-going) become
// error records first. Returns the exit status.
int run_targets(const run_settings& settings, const job_kind& kind,
                const std::vector<target>& targets, const std::vector<input_problem>& problems);

// Runs `targets` as it reads them (app/target_input.hpp); check() them first.
int run_targets(const run_settings& settings, const job_kind& kind, target_input& targets);

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
