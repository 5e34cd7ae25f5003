// A job shared through Redis Streams, so processes on many machines work on
// it without a coordinator of our own (redis/ is the transport; the workers
// are worker.hpp). For a job NAME:
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

#include "asyncfetch/redis/connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::streams {

inline constexpr const char* consumer_group = "asyncfetch";

// Runs one command, retrying I/O failures (Redis down or restarting) with
// exponential backoff up to 5 s, forever until cancelled. `say` hears of the
// first failure and of the recovery.
boost::asio::awaitable<redis::reply>
command_with_retry(redis::connection& c, std::vector<std::string> args,
                   const std::function<void(const std::string&)>& say);

// Appends the targets; returns the first id given to them. `crawl`: they are
// seeds (depth 0), also entered in the job's set of seen URLs (NAME:seen).
boost::asio::awaitable<std::uint64_t> enqueue(redis::connection& c, const std::string& name,
                                              const std::vector<std::string>& targets,
                                              bool crawl = false);

// Pulls the next target to enqueue; nullopt at the end.
using target_puller = std::function<std::optional<std::string>()>;
struct enqueued {
    std::uint64_t first = 0, last = 0; // the first and last ids given
    std::uint64_t count = 0;
};
// The same, reading the targets as it goes, a thousand at a time: memory
// does not grow with the list.
boost::asio::awaitable<enqueued> enqueue(redis::connection& c, const std::string& name,
                                         const target_puller& next, bool crawl = false);

// Streams the job's records to `emit` (the JSON line {"id", ...record fields},
// and whether the record failed), each target id once, until every enqueued
// target has one (or forever with `follow`).
boost::asio::awaitable<std::uint64_t>
collect(redis::connection& c, const std::string& name, bool follow,
        const std::function<void(std::string_view line, bool failed)>& emit,
        const std::function<void(const std::string&)>& say);

} // namespace asyncfetch::streams
