#include "asyncfetch/core/event.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <doctest/doctest.h>

#include "asyncfetch/core/timeout.hpp"

namespace asio = boost::asio;
using asyncfetch::event;
using asyncfetch::sleep_for;
using asyncfetch::testing::run_coro;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("event: notify wakes every waiter") {
    auto woken = run_coro<int>([](asio::any_io_executor ex) -> asio::awaitable<int> {
        event changed(ex);
        int count = 0;
        for (int i = 0; i < 3; ++i) {
            asio::co_spawn(
                ex,
                [&]() -> asio::awaitable<void> {
                    co_await changed.wait();
                    ++count;
                },
                asio::detached);
        }
        co_await sleep_for(5ms); // all three are waiting
        changed.notify();
        co_await sleep_for(5ms);
        co_return count;
    });
    CHECK(woken == 3);
}

TEST_CASE("event: a cancel of the waiter is a cancel, not a wake-up") {
    using namespace asio::experimental::awaitable_operators;
    auto aborted = run_coro<bool>([](asio::any_io_executor ex) -> asio::awaitable<bool> {
        event never(ex);
        bool cancelled = false;
        auto waiter = [&]() -> asio::awaitable<void> {
            try {
                co_await never.wait();
            } catch (const boost::system::system_error& e) {
                cancelled = e.code() == asio::error::operation_aborted;
            }
        };
        // The `||` plays Ctrl-C: the sleep finishes first and cancels the waiter.
        co_await (waiter() || sleep_for(10ms));
        co_return cancelled;
    });
    CHECK(aborted);
}

TEST_CASE("event: wait_for says true when notified in time, false when the time passed") {
    auto got = run_coro<std::pair<bool, bool>>(
        [](asio::any_io_executor ex) -> asio::awaitable<std::pair<bool, bool>> {
            event changed(ex);
            asio::co_spawn(
                ex,
                [&]() -> asio::awaitable<void> {
                    co_await sleep_for(5ms);
                    changed.notify();
                },
                asio::detached);
            const bool notified = co_await changed.wait_for(10s);
            const auto start = clock_type::now();
            const bool second = co_await changed.wait_for(20ms); // nobody notifies
            CHECK(clock_type::now() - start < 5s);
            co_return std::pair{notified, second};
        });
    CHECK(got.first);
    CHECK_FALSE(got.second);
}

TEST_CASE("event: a notify with nobody waiting is not remembered") {
    auto notified = run_coro<bool>([](asio::any_io_executor ex) -> asio::awaitable<bool> {
        event changed(ex);
        changed.notify();
        co_return co_await changed.wait_until(clock_type::now() + 20ms);
    });
    CHECK_FALSE(notified);
}
