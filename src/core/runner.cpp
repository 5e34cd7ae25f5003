#include "asyncfetch/core/runner.hpp"

#include "asyncfetch/core/channel.hpp"
#include "asyncfetch/core/record_boundary.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/system/system_error.hpp>

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

namespace asio = boost::asio;

namespace asyncfetch {

record error_record(outcome result, std::string message) {
    record r;
    r.result = result;
    r.error = std::move(message);
    return r;
}

asio::awaitable<void> run_job(std::span<const target> targets, const operation& op,
                              run_options options, const record_sink& sink) {
    auto ex = co_await asio::this_coro::executor;
    const std::size_t workers =
        std::max<std::size_t>(1, std::min(options.concurrency, targets.size()));
    std::vector<bool> done(targets.size(), false);
    auto finish = [&](std::size_t i, record&& r) {
        done[i] = true;
        sink.finished(targets[i], std::move(r));
    };

    // Targets flow through a bounded queue to `workers` coroutines, each taking
    // the next target when it is free (work is pulled, never pre-split).
    channel<std::size_t> feed(ex, workers);
    auto produce = [&]() -> asio::awaitable<void> {
        for (std::size_t i = 0; i < targets.size(); ++i)
            co_await feed.send(i);
        feed.close();
    };
    auto work = [&]() -> asio::awaitable<void> {
        while (auto i = co_await feed.receive()) {
            if (sink.started) sink.started(targets[*i]);
            auto r = co_await run_to_record(op, targets[*i]);
            finish(*i, std::move(r));
        }
    };

    // Waits for all; a cancel (the caller's `||` with a signal) reaches every
    // worker, whose current target is then recorded as cancelled.
    bool producing = true;
    co_await run_all(workers + 1, [&]() -> asio::awaitable<void> {
        if (std::exchange(producing, false)) return produce();
        return work();
    });

    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (!done[i]) finish(i, error_record(outcome::cancelled, "cancelled"));
    }
}

asio::awaitable<void> run_all(std::size_t count,
                              const std::function<asio::awaitable<void>()>& make) {
    auto ex = co_await asio::this_coro::executor;
    using spawned = decltype(asio::co_spawn(ex, make(), asio::deferred));
    std::vector<spawned> tasks;
    tasks.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        tasks.push_back(asio::co_spawn(ex, make(), asio::deferred));
    auto group = asio::experimental::make_parallel_group(std::move(tasks));
    auto [order, errors] =
        co_await group.async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
    // The first to fail, in the order they ended. A cancel (Ctrl-C, or the
    // first failure's) ends a coroutine as it should: the caller goes on, as
    // the runner does to give the targets not done their records.
    for (const auto i : order) {
        if (!errors[i]) continue;
        try {
            std::rethrow_exception(errors[i]);
        } catch (const boost::system::system_error& e) {
            if (!is_cancel(e.code())) throw;
        }
    }
}

} // namespace asyncfetch
