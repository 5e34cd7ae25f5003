// Request deadlines on plain HTTP/1.1 (http/deadline_watch: one timer for
// all of a client's exchanges) against the in-process test server.
#include "asyncfetch/core/error.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/testserver/server.hpp"
#include "tools/common.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <doctest/doctest.h>

namespace asio = boost::asio;
using namespace asyncfetch;
using namespace asyncfetch::http;
using asyncfetch::testing::run_coro;
using asyncfetch::testing::seconds_since;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

client_options quick_timeout() {
    client_options o;
    o.retry.retries = 0;
    o.limits.request = 500ms;
    return o;
}

} // namespace

TEST_CASE("a kept-alive connection's next request has its own deadline") {
    testserver::server server;
    auto [fast, slow, reused, slow_s] =
        run_coro<std::tuple<fetch_result, fetch_result, std::size_t, double>>(
            [&](asio::any_io_executor ex)
                -> asio::awaitable<std::tuple<fetch_result, fetch_result, std::size_t, double>> {
                client c(ex, quick_timeout());
                auto first = co_await c.fetch(server.base_url() + "/bytes/10");
                // Later than the first request's deadline: a deadline kept
                // from it would have passed, or have been forgotten.
                asio::steady_timer pause(ex, 700ms);
                co_await pause.async_wait(asio::use_awaitable);
                const auto start = clock_type::now();
                auto second = co_await c.fetch(server.base_url() + "/delay/5s");
                co_return std::make_tuple(first, second, c.stats().connections_reused,
                                          seconds_since(start));
            });
    CHECK_FALSE(fast.ec);
    CHECK(reused == 1);
    CHECK(slow.ec == errc::request_timeout);
    CHECK(slow_s >= 0.45);
    CHECK(slow_s < 2.5);
}

TEST_CASE("requests started at different times each time out at their own deadline") {
    testserver::server server;
    constexpr int n = 4;
    auto elapsed = run_coro<std::vector<double>>(
        [&](asio::any_io_executor ex) -> asio::awaitable<std::vector<double>> {
            client c(ex, quick_timeout());
            std::vector<double> out(n, -1);
            int done = 0;
            for (int i = 0; i < n; ++i) {
                asio::co_spawn(
                    ex,
                    [&, i]() -> asio::awaitable<void> {
                        asio::steady_timer stagger(ex, i * 150ms);
                        co_await stagger.async_wait(asio::use_awaitable);
                        const auto start = clock_type::now();
                        auto r = co_await c.fetch(server.base_url() +
                                                  "/delay/5s?i=" + std::to_string(i));
                        if (r.ec == errc::request_timeout) out[i] = seconds_since(start);
                        ++done;
                    },
                    asio::detached);
            }
            asio::steady_timer poll(ex);
            while (done < n) {
                poll.expires_after(20ms);
                co_await poll.async_wait(asio::use_awaitable);
            }
            co_return out;
        });
    for (const double s : elapsed) {
        CHECK(s >= 0.45); // not at an earlier request's deadline
        CHECK(s < 2.0);
    }
}

TEST_CASE("a client with an idle connection does not keep its loop running") {
    testserver::server server;
    asio::io_context ctx(1);
    client c(ctx.get_executor(), client_options{}); // a 30 s request deadline
    fetch_result r;
    asio::co_spawn(
        ctx,
        [&]() -> asio::awaitable<void> { r = co_await c.fetch(server.base_url() + "/bytes/10"); },
        asio::detached);
    const auto start = clock_type::now();
    ctx.run_for(20s);
    CHECK_FALSE(r.ec);
    CHECK(seconds_since(start) < 5);
}
