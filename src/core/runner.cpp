#include "asyncfetch/core/runner.hpp"

#include "asyncfetch/core/channel.hpp"
#include "asyncfetch/core/event.hpp"
#include "asyncfetch/core/record_boundary.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/system/system_error.hpp>

#include <algorithm>
#include <exception>
#include <utility>
#include <variant>
#include <vector>

namespace asio = boost::asio;

namespace asyncfetch {

record error_record(outcome result, std::string message) {
    record r;
    r.result = result;
    r.error = std::move(message);
    return r;
}

parsed<on_failure_limit> parse_on_failure_limit(std::string_view text) {
    if (text == "finish") return on_failure_limit::finish;
    if (text == "cancel") return on_failure_limit::cancel;
    return problem("'" + std::string(text) + "' is not finish or cancel");
}

asio::awaitable<void> run_job(std::span<const target> targets, const operation& op,
                              run_options options, const record_sink& sink) {
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    const std::size_t workers =
        std::max<std::size_t>(1, std::min(options.concurrency, targets.size()));
    std::vector<bool> done(targets.size(), false), started(targets.size(), false);
    // The failure limit: reached, no target starts; `limit_reached` wakes
    // the running ones when they are to be cancelled.
    std::size_t failures = 0;
    bool stopping = false;
    event limit_reached(ex);
    const auto limit_text = "the failure limit (" + std::to_string(options.max_failures) +
                            (options.max_failures == 1 ? " failure" : " failures") +
                            ") was reached";
    const bool cancel_running = options.running == on_failure_limit::cancel;
    auto finish = [&](std::size_t i, record&& r) {
        done[i] = true;
        if (r.result == outcome::failed && options.max_failures > 0 &&
            ++failures == options.max_failures) {
            stopping = true;
            if (cancel_running) limit_reached.notify();
        }
        sink.finished(targets[i], std::move(r));
    };

    // Targets flow through a bounded queue to `workers` coroutines, each taking
    // the next target when it is free (work is pulled, never pre-split).
    channel<std::size_t> feed(ex, workers);
    auto produce = [&]() -> asio::awaitable<void> {
        for (std::size_t i = 0; i < targets.size() && !stopping; ++i)
            co_await feed.send(i);
        feed.close();
    };
    // Until the limit is reached (checked first: a notify before this wait
    // began is not remembered).
    auto until_limit = [&]() -> asio::awaitable<void> {
        while (!stopping)
            co_await limit_reached.wait();
    };
    auto work = [&]() -> asio::awaitable<void> {
        while (auto i = co_await feed.receive()) {
            if (stopping) continue; // queued, never started: recorded below
            started[*i] = true;
            if (sink.started) sink.started(targets[*i]);
            if (options.max_failures == 0 || !cancel_running) {
                auto r = co_await run_to_record(op, targets[*i]);
                finish(*i, std::move(r));
                continue;
            }
            // The limit may cancel it: whichever ends first wins.
            auto ended = co_await (run_to_record(op, targets[*i]) || until_limit());
            if (ended.index() == 0)
                finish(*i, std::move(std::get<0>(ended)));
            else
                finish(*i, error_record(outcome::cancelled, "cancelled: " + limit_text));
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
        if (done[i]) continue;
        if (stopping && !started[i])
            finish(i, error_record(outcome::cancelled, "not started: " + limit_text));
        else
            finish(i, error_record(outcome::cancelled, "cancelled"));
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
