// A job shared through Redis Streams, so processes on many machines work on
// it without a coordinator of our own. For a job NAME:
//   NAME:targets  stream of {"id": N, "target": TEXT}, read by the consumer
//                 group "asyncfetch"; an entry is acknowledged only once its
//                 record is stored, so a dead worker's entries stay pending
//                 and live workers claim them (XAUTOCLAIM) after an idle time
//   NAME:results  stream of entries id=N, data={"id": N, ...the record's
//                 fields} (the line collect writes) and, for a failed
//                 record, failed=1; one per target id
//   NAME:done     hash of target ids with a record (the dedup: a target
//                 processed twice after a claim still yields one record)
//   NAME:total    how many targets were enqueued; NAME:next_id the id counter
//   NAME:seen     (crawls) every URL ever enqueued, so none is fetched twice
//   NAME:polite:ORIGIN  (crawls) when the next request to ORIGIN may start
// Messages are JSON. Storing a record, marking it done and acknowledging its
// entry is one Lua script, so no crash can leave one without the others.
#pragma once

#include "asyncfetch/app/run.hpp"
#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/redis/connection.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::redis {

inline constexpr const char* consumer_group = "asyncfetch";

// Runs one command, retrying I/O failures (Redis down or restarting) with
// exponential backoff up to 5 s, forever until cancelled. `say` hears of the
// first failure and of the recovery.
boost::asio::awaitable<reply>
command_with_retry(connection& c, std::vector<std::string> args,
                   const std::function<void(const std::string&)>& say);

// Appends the targets; returns the first id given to them. `crawl`: they are
// seeds (depth 0), also entered in the job's set of seen URLs (NAME:seen).
boost::asio::awaitable<std::uint64_t> enqueue(connection& c, const std::string& name,
                                              const std::vector<std::string>& targets,
                                              bool crawl = false);

// A shared crawl: each worker fetches pages politely (robots.txt, read by
// each worker once per origin, and the politeness gap per origin, which holds
// across all the job's workers: every request books its slot in
// NAME:polite:ORIGIN) and adds the links it admits (depth, scope as the page's host, patterns) to the
// stream, once per URL for the whole job (NAME:seen, a Redis set: about 60
// bytes plus the URL per URL seen), up to max_pages targets in all.
struct crawl_mode {
    crawl::crawl_options options;
    http::client_options client;
};

struct worker_options {
    std::string consumer;                                           // unique per worker process
    std::size_t concurrency = 100;                                  // targets in flight
    std::chrono::milliseconds claim_idle{std::chrono::seconds(30)}; // reclaim after this
    std::chrono::milliseconds block{std::chrono::seconds(1)};       // XREADGROUP wait
    bool until_done = false;                     // exit once every enqueued target has a record
    std::function<void(const std::string&)> say; // progress and trouble, for stderr
    const crawl_mode* crawl = nullptr;           // set: crawl (the job kind is not used)
};

struct worker_stats {
    std::uint64_t processed = 0;  // records this worker stored
    std::uint64_t duplicates = 0; // targets someone else had already recorded
    std::uint64_t claimed = 0;    // entries taken over from idle consumers
};

// Takes entries of job `name` and runs `kind`'s operation on each, `reads`
// for the blocking reads and `writes` for the rest. Runs until cancelled or,
// with until_done, until every target has a record.
boost::asio::awaitable<worker_stats> work(connection& reads, connection& writes,
                                          const std::string& name, const app::job_kind& kind,
                                          const worker_options& options);

// Streams the job's records to `emit` (the JSON line {"id", ...record fields},
// and whether the record failed), each target id once, until every enqueued
// target has one (or forever with `follow`).
boost::asio::awaitable<std::uint64_t>
collect(connection& c, const std::string& name, bool follow,
        const std::function<void(std::string_view line, bool failed)>& emit,
        const std::function<void(const std::string&)>& say);

} // namespace asyncfetch::redis
