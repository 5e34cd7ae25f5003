#include "asyncfetch/core/timeout.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <doctest/doctest.h>

namespace asio = boost::asio;
using asyncfetch::with_timeout;
using asyncfetch::testing::run_coro;
using namespace std::chrono_literals;

namespace {
asio::awaitable<int> answer_after(std::chrono::milliseconds d, int value) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
    co_return value;
}
} // namespace

TEST_CASE("with_timeout returns the result of an operation that beats the deadline") {
    auto r = run_coro<std::optional<int>>(
        [](asio::any_io_executor) { return with_timeout(answer_after(1ms, 42), 2s); });
    REQUIRE(r.has_value());
    CHECK(*r == 42);
}

TEST_CASE("with_timeout gives nullopt, promptly, when the deadline passes first") {
    const auto start = std::chrono::steady_clock::now();
    auto r = run_coro<std::optional<int>>(
        [](asio::any_io_executor) { return with_timeout(answer_after(10s, 1), 20ms); });
    CHECK_FALSE(r.has_value());
    CHECK(std::chrono::steady_clock::now() - start < 5s); // the slow operation was cancelled
}

TEST_CASE("an operation that fails is reported at once, not as a timeout") {
    auto failing = []() -> asio::awaitable<int> {
        co_await answer_after(1ms, 0);
        throw std::runtime_error("broken");
    };
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(run_coro<std::optional<int>>(
                          [&](asio::any_io_executor) { return with_timeout(failing(), 10s); }),
                      "broken");
    CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("a user cancel through with_timeout is a cancel, not a timeout") {
    using namespace asio::experimental::awaitable_operators;
    // The outer `||` plays Ctrl-C: it finishes first and cancels the rest.
    auto run = []() {
        return run_coro<int>([](asio::any_io_executor) -> asio::awaitable<int> {
            bool timed_out = false, aborted = false;
            auto guarded = [&]() -> asio::awaitable<int> {
                try {
                    auto r = co_await with_timeout(answer_after(10s, 1), 5s);
                    timed_out = !r;
                } catch (const boost::system::system_error& e) {
                    aborted = e.code() == asio::error::operation_aborted;
                }
                co_return 0;
            };
            co_await (guarded() || answer_after(10ms, 2));
            CHECK_FALSE(timed_out);
            CHECK(aborted);
            co_return 0;
        });
    };
    CHECK_NOTHROW(run());
}

TEST_CASE("budget: a phase gets its own limit while the deadline is further away") {
    const auto b = asyncfetch::budget(2s, std::chrono::steady_clock::now() + 1h);
    CHECK(b.limit == std::chrono::steady_clock::duration(2s));
    CHECK_FALSE(b.deadline_bound);
}

TEST_CASE("budget: what is left of the deadline when that is less, and says so") {
    const auto b = asyncfetch::budget(10s, std::chrono::steady_clock::now() + 1s);
    CHECK(b.limit <= std::chrono::steady_clock::duration(1s));
    CHECK(b.limit > std::chrono::steady_clock::duration(500ms));
    CHECK(b.deadline_bound);
    const auto past = asyncfetch::budget(10s, std::chrono::steady_clock::now() - 1s);
    CHECK(past.limit == std::chrono::steady_clock::duration::zero());
}

TEST_CASE("budget: no deadline and a zero limit is no limit, and within then just runs") {
    const auto b = asyncfetch::budget(std::chrono::steady_clock::duration::zero());
    CHECK(b.unlimited());
    auto r = run_coro<std::optional<int>>(
        [&](asio::any_io_executor) { return asyncfetch::within(b, answer_after(5ms, 7)); });
    CHECK(r == 7);
    auto late = run_coro<std::optional<int>>([](asio::any_io_executor) {
        return asyncfetch::within(asyncfetch::budget(20ms), answer_after(10s, 1));
    });
    CHECK_FALSE(late.has_value());
}
