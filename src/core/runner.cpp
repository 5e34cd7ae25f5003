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

target_source source_of(std::span<const target> targets) {
    return {[targets, i = std::size_t{0}]() mutable -> std::optional<target> {
                if (i == targets.size()) return std::nullopt;
                return targets[i++];
            },
            targets.size()};
}

asio::awaitable<void> run_job(std::span<const target> targets, const operation& op,
                              run_options options, const record_sink& sink) {
    co_await run_job(source_of(targets), op, options, sink);
}

asio::awaitable<void> run_job(target_source source, const operation& op, run_options options,
                              const record_sink& sink) {
    using namespace asio::experimental::awaitable_operators;
    const std::size_t workers = std::max<std::size_t>(
        1, source.count ? std::min(options.concurrency, source.count) : options.concurrency);
    // Each worker's target while it runs: what a cancel leaves unfinished.
    std::vector<std::optional<target>> running(workers);
    // The failure limit: reached, no target starts; `limit_reached` wakes
    // the running ones when they are to be cancelled.
    std::size_t failures = 0;
    bool stopping = false;
    event limit_reached(co_await asio::this_coro::executor);
    const auto limit_text = "the failure limit (" + std::to_string(options.max_failures) +
                            (options.max_failures == 1 ? " failure" : " failures") +
                            ") was reached";
    const bool cancel_running = options.running == on_failure_limit::cancel;
    auto finish = [&](std::optional<target>& slot, record&& r) {
        if (r.result == outcome::failed && options.max_failures > 0 &&
            ++failures == options.max_failures) {
            stopping = true;
            if (cancel_running) limit_reached.notify();
        }
        const target t = std::move(*slot);
        slot.reset();
        sink.finished(t, std::move(r));
    };
    // Until the limit is reached (checked first: a notify before this wait
    // began is not remembered).
    auto until_limit = [&]() -> asio::awaitable<void> {
        while (!stopping)
            co_await limit_reached.wait();
    };
    // Workers start one per turn of the loop: each after a start ticket
    // that `pace` hands out, one send per turn. Started all in one turn, N
    // TLS handshakes or SSH key exchanges would move in lockstep and all end
    // together; paced, the first ones finish (and their connections serve
    // the next targets) while the later ones start, as curl -Z ramps up.
    // Against a slow server the ramp is still far shorter than a round trip.
    auto ex = co_await asio::this_coro::executor;
    channel<bool> start_tickets(ex, workers);
    auto pace = [&]() -> asio::awaitable<void> {
        for (std::size_t i = 1; i < workers && !stopping; ++i)
            co_await start_tickets.send(true);
        start_tickets.close();
    };
    // Each worker pulls the next target when it is free (work is pulled,
    // never pre-split); one thread, so no two pull at once.
    std::size_t next_worker = 0;
    bool exhausted = false;
    auto work = [&]() -> asio::awaitable<void> {
        const std::size_t me = next_worker++;
        auto& slot = running[me];
        if (me > 0) {
            const auto ticket = co_await start_tickets.receive();
            if (!ticket) co_return; // the run stopped before this worker's turn
        }
        while (!stopping) {
            slot = source.next();
            if (!slot) {
                exhausted = true;
                co_return;
            }
            if (sink.started) sink.started(*slot);
            if (options.max_failures == 0 || !cancel_running) {
                auto r = co_await run_to_record(op, *slot);
                finish(slot, std::move(r));
                continue;
            }
            // The limit may cancel it: whichever ends first wins.
            auto ended = co_await (run_to_record(op, *slot) || until_limit());
            if (ended.index() == 0)
                finish(slot, std::move(std::get<0>(ended)));
            else
                finish(slot, error_record(outcome::cancelled, "cancelled: " + limit_text));
        }
    };

    // Waits for all; a cancel (the caller's `||` with a signal) reaches every
    // worker, whose current target is then recorded as cancelled.
    bool pacing = workers > 1;
    co_await run_all(workers + (pacing ? 1 : 0), [&]() -> asio::awaitable<void> {
        if (std::exchange(pacing, false)) return pace();
        return work();
    });
    bool cancelled = !exhausted && !stopping; // ended early, not by the limit
    for (auto& slot : running)
        if (slot) {
            cancelled = true;
            finish(slot, error_record(outcome::cancelled, "cancelled"));
        }
    // The targets never pulled.
    if (exhausted || (cancelled && !source.read_rest_when_cancelled)) co_return;
    std::optional<target> rest;
    while ((rest = source.next()))
        finish(rest, stopping ? error_record(outcome::cancelled, "not started: " + limit_text)
                              : error_record(outcome::cancelled, "cancelled"));
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
