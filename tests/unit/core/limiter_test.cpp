#include "asyncfetch/core/limiter.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

namespace asio = boost::asio;
using asyncfetch::limiter;
using asyncfetch::testing::run_coro;
using namespace std::chrono_literals;

namespace {

// Runs `tasks` coroutines that each hold a slot for 5 ms; returns the most
// that were ever inside at once.
std::size_t peak_inside(std::size_t slots, int tasks) {
    return run_coro<std::size_t>([=](asio::any_io_executor ex) -> asio::awaitable<std::size_t> {
        auto lim = std::make_shared<limiter>(ex, slots);
        auto inside = std::make_shared<std::size_t>(0);
        auto peak = std::make_shared<std::size_t>(0);
        auto finished = std::make_shared<int>(0);
        for (int i = 0; i < tasks; ++i) {
            asio::co_spawn(
                ex,
                [=]() -> asio::awaitable<void> {
                    auto permit = co_await lim->acquire();
                    *peak = std::max(*peak, ++*inside);
                    asio::steady_timer t(ex, 5ms);
                    co_await t.async_wait(asio::use_awaitable);
                    --*inside;
                    ++*finished;
                },
                asio::detached);
        }
        asio::steady_timer poll(ex);
        while (*finished < tasks) {
            poll.expires_after(1ms);
            co_await poll.async_wait(asio::use_awaitable);
        }
        CHECK(lim->in_use() == 0);
        co_return *peak;
    });
}

} // namespace

TEST_CASE("limiter never lets more than its slots in, and lets everyone through") {
    CHECK(peak_inside(3, 20) == 3);
    CHECK(peak_inside(1, 5) == 1);
}

TEST_CASE("limiter with zero slots is unlimited") {
    CHECK(peak_inside(0, 25) == 25);
}

TEST_CASE("a released permit can be moved and released once") {
    run_coro<int>([](asio::any_io_executor ex) -> asio::awaitable<int> {
        limiter lim(ex, 2);
        auto a = co_await lim.acquire();
        auto b = co_await lim.acquire();
        CHECK(lim.in_use() == 2);
        limiter::permit moved = std::move(a);
        a.reset(); // moved-from: no effect
        CHECK(lim.in_use() == 2);
        moved.reset();
        CHECK(lim.in_use() == 1);
        b.reset();
        CHECK(lim.in_use() == 0);
        auto c = co_await lim.acquire(); // slots are really free again
        CHECK(lim.in_use() == 1);
        co_return 0;
    });
}

TEST_CASE("full() says an acquire would wait, also while a freed slot is on its way to a waiter") {
    run_coro<int>([](asio::any_io_executor ex) -> asio::awaitable<int> {
        auto lim = std::make_shared<limiter>(ex, 1);
        CHECK(!lim->full());
        auto held = co_await lim->acquire();
        CHECK(lim->full());
        auto got = std::make_shared<bool>(false);
        asio::co_spawn(
            ex,
            [lim, got]() -> asio::awaitable<void> {
                auto p = co_await lim->acquire();
                *got = true;
            },
            asio::detached);
        asio::steady_timer t(ex, 1ms);
        co_await t.async_wait(asio::use_awaitable); // the waiter is queued
        held.reset(); // its slot is promised to the waiter, which has not run yet
        CHECK(!*got);
        CHECK(lim->full()); // a newcomer would wait behind it
        t.expires_after(1ms);
        co_await t.async_wait(asio::use_awaitable);
        CHECK(*got);
        CHECK(!lim->full());
        co_return 0;
    });
}

TEST_CASE("limiter with zero slots is never full") {
    run_coro<int>([](asio::any_io_executor ex) -> asio::awaitable<int> {
        limiter lim(ex, 0);
        auto a = co_await lim.acquire();
        CHECK(!lim.full());
        co_return 0;
    });
}
