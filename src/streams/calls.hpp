// What the shared-job code has in common: the job's key names, command
// words, and Redis calls that retry while Redis is away. (Private to
// src/streams.)
#pragma once

#include "asyncfetch/redis/connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace asyncfetch::streams::detail {

using redis::connection;
using redis::reply;

using say_fn = std::function<void(const std::string&)>;

// The keys of job NAME (see asyncfetch/streams/job.hpp).
struct keys {
    explicit keys(const std::string& name)
        : targets(name + ":targets"), results(name + ":results"), done(name + ":done"),
          total(name + ":total"), next_id(name + ":next_id"), seen(name + ":seen"),
          polite(name + ":polite:") {}
    std::string targets, results, done, total, next_id, seen;
    std::string polite; // + an origin: its next request slot (crawls)
};

// The reply, or an exception naming `what` if Redis answered with an error.
reply must(reply r, const std::string& what);

// An integer reply, or a string holding one (GET); 0 otherwise.
long long number_of(const reply& r);

// A command's words (built outside coroutines: GCC 12 mishandles braced
// lists of string literals inside them).
template <class... Words>
std::vector<std::string> args(Words&&... words) {
    return {std::string(std::forward<Words>(words))...};
}

// Sends commands in one round trip, retrying I/O failures with backoff
// (100 ms doubling to 5 s) until they go through or the caller is cancelled.
boost::asio::awaitable<std::vector<reply>>
pipeline_with_retry(connection& c, const std::vector<std::vector<std::string>>& commands,
                    const say_fn& say);

// Loads a Lua script into Redis; returns its SHA1 for EVALSHA.
boost::asio::awaitable<std::string> load_script(connection& c, const char* script,
                                                const say_fn& say);

// Sends EVALSHA calls of `script` in one round trip. A Redis that restarted
// has forgotten the script: it is loaded again and the calls resent (so every
// script must be harmless to run twice).
boost::asio::awaitable<std::vector<reply>>
run_script_calls(connection& c, const char* script,
                 const std::vector<std::vector<std::string>>& calls, const say_fn& say);

// The job's total once its enqueue has finished (a crawl's grows), or
// nothing while an enqueue is still adding targets. Throws, naming the job,
// when nothing was ever enqueued under `name`: waiting for it would not end.
boost::asio::awaitable<std::optional<long long>>
enqueued_total(connection& c, const keys& k, const std::string& name, const say_fn& say);

} // namespace asyncfetch::streams::detail
