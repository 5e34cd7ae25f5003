// A job: what to do with each target of a list (its operation), the record
// of a target that yielded none, and how its records read on the console.
// Every mode runs the same job: serially or concurrently in one process, over
// N worker processes (launcher/pool.hpp) or over many machines through Redis
// Streams (streams/worker.hpp). Each kind (HTTP, SSH, SFTP, crawl, local)
// supplies one.
#pragma once

#include "asyncfetch/core/runner.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace asyncfetch {

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
    // Optional: a failure met after the targets (a file the job writes when a
    // pass ends, e.g. a cookie jar), or empty. It fails the run as a record
    // that could not be written does.
    std::function<std::string()> late_failure;
    // Optional: the limit a target can wait for inside its operation, as it
    // applies with `processes` workers (e.g. "--per-host 4"), and how to lift
    // it: the summary's "limits" line names them when targets waited.
    std::function<std::string(std::size_t processes)> queue_limit;
    std::string queue_lift;
};

} // namespace asyncfetch
