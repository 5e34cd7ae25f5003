// A worker of a shared job (job.hpp): takes entries from the job's stream,
// hands each to an entry handler, and stores the records, each target once.
#pragma once

#include "asyncfetch/core/job.hpp"
#include "asyncfetch/redis/connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace asyncfetch::streams {

// One entry of the job's stream: its stream id and the target message.
struct entry {
    std::string stream_id;
    std::uint64_t id = 0;
    std::string text;
    int depth = 0;      // crawls
    std::string parent; // crawls: the page that linked here
};

// What a worker does with each entry: its record. An entry whose run throws
// (a cancel aside) or returns a record without fields gets error_record's.
// A handler that needs only the entry's target sets `on_target` (called
// straight, no coroutine of ours around each target) instead of `run`.
struct entry_handler {
    std::function<boost::asio::awaitable<record>(const entry&)> run;
    operation on_target;
    std::shared_ptr<void> keep_alive; // what on_target needs alive
    std::function<record(const std::string& text, std::string error, outcome result)> error_record;
};

// The handler that runs `kind`'s operation on each entry's text.
entry_handler job_handler(const job_kind& kind, boost::asio::any_io_executor ex);

struct worker_options {
    std::string consumer;                                           // unique per worker process
    std::size_t concurrency = 100;                                  // targets in flight
    std::chrono::milliseconds claim_idle{std::chrono::seconds(30)}; // reclaim after this
    std::chrono::milliseconds block{std::chrono::seconds(1)};       // XREADGROUP wait
    bool until_done = false;                     // exit once every enqueued target has a record
    std::function<void(const std::string&)> say; // progress and trouble, for stderr
};

struct worker_stats {
    std::uint64_t processed = 0;  // records this worker stored
    std::uint64_t duplicates = 0; // targets someone else had already recorded
    std::uint64_t claimed = 0;    // entries taken over from idle consumers
};

// Takes entries of job `name` and runs `handler` on each, `reads` for the
// blocking reads and `writes` for the rest. Runs until cancelled or, with
// until_done, until every target has a record.
boost::asio::awaitable<worker_stats> work(redis::connection& reads, redis::connection& writes,
                                          const std::string& name, const entry_handler& handler,
                                          const worker_options& options);

} // namespace asyncfetch::streams
