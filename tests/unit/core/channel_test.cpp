#include "asyncfetch/core/channel.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <doctest/doctest.h>

#include <vector>

namespace asio = boost::asio;
using asyncfetch::channel;
using asyncfetch::testing::run_coro;

TEST_CASE("channel delivers everything sent before close, in order, then nullopt") {
    auto got = run_coro<std::vector<int>>(
        [](asio::any_io_executor ex) -> asio::awaitable<std::vector<int>> {
            channel<int> ch(ex, 2);
            asio::co_spawn(
                ex,
                [&ch]() -> asio::awaitable<void> {
                    for (int i = 0; i < 10; ++i)
                        co_await ch.send(i); // waits whenever 2 are queued
                    ch.close();
                },
                asio::detached);
            std::vector<int> out;
            while (auto v = co_await ch.receive())
                out.push_back(*v);
            co_return out;
        });
    REQUIRE(got.size() == 10);
    for (int i = 0; i < 10; ++i)
        CHECK(got[i] == i);
}

TEST_CASE("channel closed with items queued still hands them to several receivers") {
    auto total = run_coro<int>([](asio::any_io_executor ex) -> asio::awaitable<int> {
        channel<int> ch(ex, 8);
        for (int i = 1; i <= 5; ++i)
            co_await ch.send(i);
        ch.close();
        int sum = 0, receivers_done = 0;
        for (int r = 0; r < 3; ++r) {
            asio::co_spawn(
                ex,
                [&]() -> asio::awaitable<void> {
                    while (auto v = co_await ch.receive())
                        sum += *v;
                    ++receivers_done;
                },
                asio::detached);
        }
        while (auto v = co_await ch.receive())
            sum += *v;
        asio::steady_timer t(ex, std::chrono::milliseconds(5));
        co_await t.async_wait(asio::use_awaitable);
        CHECK(receivers_done == 3);
        co_return sum;
    });
    CHECK(total == 15);
}

TEST_CASE("waiting receivers wake with nullopt when an empty channel closes") {
    auto woke = run_coro<int>([](asio::any_io_executor ex) -> asio::awaitable<int> {
        channel<int> ch(ex, 1);
        int woken = 0;
        for (int r = 0; r < 4; ++r) {
            asio::co_spawn(
                ex,
                [&]() -> asio::awaitable<void> {
                    auto v = co_await ch.receive();
                    if (!v) ++woken;
                },
                asio::detached);
        }
        asio::steady_timer t(ex, std::chrono::milliseconds(5));
        co_await t.async_wait(asio::use_awaitable);
        ch.close();
        t.expires_after(std::chrono::milliseconds(5));
        co_await t.async_wait(asio::use_awaitable);
        co_return woken;
    });
    CHECK(woke == 4);
}
