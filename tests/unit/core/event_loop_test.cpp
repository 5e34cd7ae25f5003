#include "asyncfetch/core/event_loop.hpp"

#include "asyncfetch/core/timeout.hpp"

#include <boost/system/system_error.hpp>
#include <doctest/doctest.h>

#include <csignal>
#include <stdexcept>

namespace asio = boost::asio;
using asyncfetch::run_until_signal;
using asyncfetch::sleep_for;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("run_until_signal: a body that ends is not signalled") {
    bool ran = false;
    const bool signalled = run_until_signal([&](const bool&) -> asio::awaitable<void> {
        co_await sleep_for(1ms);
        ran = true;
    });
    CHECK(ran);
    CHECK_FALSE(signalled);
}

TEST_CASE("run_until_signal: SIGTERM cancels the body, which winds down before it returns") {
    const auto start = clock_type::now();
    bool saw_signal = false, wound_down = false;
    const bool signalled = run_until_signal([&](const bool& signal) -> asio::awaitable<void> {
        co_await sleep_for(5ms);
        std::raise(SIGTERM); // delivered to the loop's signal_set, not the default action
        try {
            co_await sleep_for(30s);
        } catch (const boost::system::system_error&) {
            saw_signal = signal;
        }
        wound_down = true;
        throw std::runtime_error("the cancel's doing, not reported");
    });
    CHECK(signalled);
    CHECK(saw_signal);
    CHECK(wound_down);
    CHECK(clock_type::now() - start < 10s);
}

TEST_CASE("run_until_signal: the body's exception reaches the caller") {
    CHECK_THROWS_WITH(run_until_signal([](const bool&) -> asio::awaitable<void> {
                          co_await sleep_for(1ms);
                          throw std::runtime_error("broken");
                      }),
                      "broken");
}
