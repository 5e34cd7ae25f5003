#include "asyncfetch/core/runner.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

namespace asio = boost::asio;
using namespace asyncfetch;
using asyncfetch::testing::run_coro;
using namespace std::chrono_literals;

namespace {

std::vector<target> make_targets(int n) {
    std::vector<target> out;
    for (int i = 0; i < n; ++i)
        out.push_back({static_cast<std::size_t>(i), static_cast<std::size_t>(i + 1),
                       "t" + std::to_string(i)});
    return out;
}

// An operation that sleeps `ms` per target and tracks how many run at once.
// With `gather`, each first waits (up to 2 s) until that many run at once, so
// the peak does not depend on how fast a slow build starts them.
struct probe {
    int inside = 0, peak = 0;
    operation op(std::chrono::milliseconds ms, int gather = 0) {
        return [this, ms, gather](const target& t) -> asio::awaitable<record> {
            peak = std::max(peak, ++inside);
            asio::steady_timer timer(co_await asio::this_coro::executor);
            for (int i = 0; i < 2000 && peak < gather; ++i) {
                timer.expires_after(1ms);
                co_await timer.async_wait(asio::use_awaitable);
            }
            timer.expires_after(ms);
            co_await timer.async_wait(asio::use_awaitable);
            --inside;
            if (t.text == "t3") throw std::runtime_error("boom on t3");
            record r;
            r.fields["target"] = t.text;
            co_return r;
        };
    }
};

struct collected {
    std::map<std::size_t, record> by_index;
    int duplicates = 0;
    record_sink sink() {
        return {nullptr, [this](const target& t, record&& r) {
                    if (by_index.count(t.index)) ++duplicates;
                    by_index[t.index] = std::move(r);
                }};
    }
};

} // namespace

TEST_CASE("runner: every target yields exactly one record, an exception becomes an error record") {
    for (std::size_t limit : {1u, 4u, 100u}) {
        CAPTURE(limit);
        probe p;
        collected c;
        auto targets = make_targets(20);
        run_coro<int>([&](asio::any_io_executor) -> asio::awaitable<int> {
            const auto expected = static_cast<int>(std::min<std::size_t>(limit, 20));
            co_await run_job(targets, p.op(2ms, expected), run_options{limit}, c.sink());
            co_return 0;
        });
        CHECK(c.by_index.size() == 20);
        CHECK(c.duplicates == 0);
        CHECK(p.peak == static_cast<int>(std::min<std::size_t>(limit, 20)));
        CHECK(c.by_index[3].result == outcome::failed);
        CHECK(c.by_index[3].error == "boom on t3");
        CHECK(c.by_index[4].result == outcome::ok);
        CHECK(c.by_index[4].fields["target"] == "t4");
    }
}

TEST_CASE("runner: concurrency cuts wall time for latency-bound work") {
    probe p;
    collected c;
    auto targets = make_targets(50);
    const auto start = std::chrono::steady_clock::now();
    run_coro<int>([&](asio::any_io_executor) -> asio::awaitable<int> {
        co_await run_job(targets, p.op(50ms), run_options{50}, c.sink());
        co_return 0;
    });
    // Serially this is 2.5 s; all at once about 50 ms.
    CHECK(std::chrono::steady_clock::now() - start < 1500ms);
    CHECK(c.by_index.size() == 50);
}

TEST_CASE("runner: workers start one per turn of the loop, so the first targets end before the "
          "last ones start") {
    // Each target takes 3 turns (posts). Started all in one turn, all 100
    // would start before any ended; paced, target 0 ends long before 99 starts.
    std::vector<int> events; // +i: target i started, -(i + 1): target i ended
    collected c;
    auto targets = make_targets(100);
    operation op = [&](const target& t) -> asio::awaitable<record> {
        const int i = static_cast<int>(t.index);
        events.push_back(i);
        for (int turn = 0; turn < 3; ++turn)
            co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        events.push_back(-(i + 1));
        co_return record{};
    };
    run_coro<int>([&](asio::any_io_executor) -> asio::awaitable<int> {
        co_await run_job(targets, op, run_options{100}, c.sink());
        co_return 0;
    });
    REQUIRE(c.by_index.size() == 100);
    const auto first_end = std::find(events.begin(), events.end(), -1);
    const auto last_start = std::find(events.begin(), events.end(), 99);
    REQUIRE(first_end != events.end());
    REQUIRE(last_start != events.end());
    CHECK(first_end < last_start);
    // Every target still ran at once with the others: more than 3 overlapped.
    int inside = 0, peak = 0;
    for (const int e : events)
        peak = std::max(peak, inside += e >= 0 ? 1 : -1);
    CHECK(peak > 3);
}

TEST_CASE("runner: a cancel records finished targets and marks the rest cancelled") {
    using namespace asio::experimental::awaitable_operators;
    probe p;
    collected c;
    auto targets = make_targets(30);
    run_coro<int>([&](asio::any_io_executor ex) -> asio::awaitable<int> {
        auto stop_soon = [ex]() -> asio::awaitable<void> {
            asio::steady_timer t(ex, 60ms);
            co_await t.async_wait(asio::use_awaitable);
        };
        // 5 in flight, 20 ms each: about 15 finish before the cancel at 60 ms.
        co_await (run_job(targets, p.op(20ms), run_options{5}, c.sink()) || stop_soon());
        co_return 0;
    });
    REQUIRE(c.by_index.size() == 30);
    int ok = 0, cancelled = 0;
    for (auto& [i, r] : c.by_index) {
        if (r.result == outcome::cancelled) ++cancelled;
        if (r.result == outcome::ok) ++ok;
    }
    CHECK(ok >= 5);
    CHECK(cancelled >= 5);
    CHECK(ok + cancelled >= 29); // t3 may have failed before the cancel
}

TEST_CASE("run_all: the first failure cancels the others and is rethrown, never lost") {
    int reached = 0;
    std::size_t made = 0;
    const auto started = std::chrono::steady_clock::now();
    // One coroutine fails after 10 ms; two would wait 10 s.
    const auto one = [](bool fails, int& reached) -> asio::awaitable<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(fails ? 10ms : 10s);
        co_await timer.async_wait(asio::use_awaitable);
        if (fails) throw std::runtime_error("storing records: LOADING");
        ++reached;
    };
    CHECK_THROWS_WITH(run_coro<int>([&](asio::any_io_executor) -> asio::awaitable<int> {
                          co_await run_all(3, [&] { return one(made++ == 0, reached); });
                          co_return 0;
                      }),
                      "storing records: LOADING");
    CHECK(reached == 0);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}
