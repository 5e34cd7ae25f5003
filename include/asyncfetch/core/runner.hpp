// The runner: executes a job's operation over all its targets, serially or
// concurrently under an in-flight limit, on the calling coroutine's executor.
// Every target yields exactly one record: an operation that throws yields an
// error record, and targets not finished when the run is cancelled (Ctrl-C)
// yield "cancelled" records.
#pragma once

#include "asyncfetch/core/target.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <span>

namespace asyncfetch {

using operation = std::function<boost::asio::awaitable<record>(const target&)>;

struct record_sink {
    std::function<void(const target&)> started;            // optional
    std::function<void(const target&, record&&)> finished; // required
};

struct run_options {
    std::size_t concurrency = 100; // targets in flight at once; 1 runs serially
};

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
