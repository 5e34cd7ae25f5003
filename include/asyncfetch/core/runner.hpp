// The runner: executes a job's operation over all its targets, serially or
// concurrently under an in-flight limit, on the calling coroutine's executor.
// Every target yields exactly one record: an operation that throws yields an
// error record, targets not finished when the run is cancelled (Ctrl-C)
// yield "cancelled" records, and those a failure limit kept from starting
// "not started" ones.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/core/target.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

namespace asyncfetch {

using operation = std::function<boost::asio::awaitable<record>(const target&)>;

struct record_sink {
    std::function<void(const target&)> started;            // optional
    std::function<void(const target&, record&&)> finished; // required
};

// What to do with the targets running when the failure limit is reached.
enum class on_failure_limit { finish, cancel };

struct run_options {
    std::size_t concurrency = 100; // targets in flight at once; 1 runs serially
    // Stop early: once this many targets failed (0: never), no target starts
    // any more; those running finish or are cancelled ("cancelled: ..."), and
    // those never started get "not started: ..." records (outcome cancelled).
    std::size_t max_failures = 0;
    on_failure_limit running = on_failure_limit::finish;
};

// Reads "finish" or "cancel" (--on-failure, the JSON config's on_failure).
parsed<on_failure_limit> parse_on_failure_limit(std::string_view text);

// Where the runner pulls its targets from, one at a time as a worker is
// free (nullopt: no more), so a list is never held whole.
struct target_source {
    std::function<std::optional<target>()> next;
    std::size_t count = 0; // how many, when known (0: unknown): no more workers than targets
    // Once the run is cancelled, the rest is read to give each its
    // "cancelled" record; false for an input that may never end (a pipe),
    // whose unread rest then has none.
    bool read_rest_when_cancelled = true;
};

// The targets of a list, in order.
target_source source_of(std::span<const target> targets);

boost::asio::awaitable<void> run_job(target_source source, const operation& op, run_options options,
                                     const record_sink& sink);
boost::asio::awaitable<void> run_job(std::span<const target> targets, const operation& op,
                                     run_options options, const record_sink& sink);

// Runs `count` coroutines made by `make` side by side and waits for all; a
// cancel of the caller reaches each of them. The first to throw cancels the
// others, and its exception is rethrown once they have ended (never lost:
// one coroutine failing silently would leave the others waiting for it); a
// cancel (operation_aborted, channel_cancelled) is not rethrown.
boost::asio::awaitable<void> run_all(std::size_t count,
                                     const std::function<boost::asio::awaitable<void>()>& make);

// The record for a target whose operation did not return one.
record error_record(outcome result, std::string message);

} // namespace asyncfetch
