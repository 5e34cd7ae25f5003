// The runner's failure limit (--max-failures, --fail-fast, --on-failure).
#include "asyncfetch/core/runner.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/steady_timer.hpp>
#include <doctest/doctest.h>

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

// Targets named in `failing` fail after `fail_after`; the others succeed after `ms`.
operation scripted(std::set<std::string> failing, std::chrono::milliseconds fail_after,
                   std::chrono::milliseconds ms, int& started) {
    return [failing, fail_after, ms, &started](const target& t) -> asio::awaitable<record> {
        ++started;
        asio::steady_timer timer(co_await asio::this_coro::executor);
        const bool fails = failing.count(t.text) > 0;
        timer.expires_after(fails ? fail_after : ms);
        co_await timer.async_wait(asio::use_awaitable);
        record r;
        r.result = fails ? outcome::failed : outcome::ok;
        if (fails) r.error = "boom";
        co_return r;
    };
}

std::map<std::size_t, record> run(std::vector<target>& targets, const operation& op,
                                  run_options options) {
    std::map<std::size_t, record> out;
    int duplicates = 0;
    record_sink sink{nullptr, [&](const target& t, record&& r) {
                         if (out.count(t.index)) ++duplicates;
                         out[t.index] = std::move(r);
                     }};
    run_coro<int>([&](asio::any_io_executor) -> asio::awaitable<int> {
        co_await run_job(targets, op, options, sink);
        co_return 0;
    });
    CHECK(duplicates == 0);
    return out;
}

} // namespace

TEST_CASE("runner: once N targets failed no target starts, the rest are recorded not started") {
    auto targets = make_targets(10);
    int started = 0;
    auto records = run(targets, scripted({"t1", "t2", "t5"}, 1ms, 1ms, started),
                       run_options{1, 2, on_failure_limit::finish});
    REQUIRE(records.size() == 10);
    CHECK(started == 3);
    CHECK(records[0].result == outcome::ok);
    CHECK(records[2].result == outcome::failed);
    for (std::size_t i = 3; i < 10; ++i) {
        CHECK(records[i].result == outcome::cancelled);
        CHECK(records[i].error == "not started: the failure limit (2 failures) was reached");
    }
}

TEST_CASE("runner: at the limit running targets finish (finish) or are cancelled (cancel)") {
    for (const auto mode : {on_failure_limit::finish, on_failure_limit::cancel}) {
        CAPTURE(static_cast<int>(mode));
        auto targets = make_targets(8);
        int started = 0;
        const auto start = std::chrono::steady_clock::now();
        // t0 fails at once; t1-t3 run for 1 s; t4-t7 never start.
        auto records =
            run(targets, scripted({"t0"}, 1ms, 1000ms, started), run_options{4, 1, mode});
        const auto took = std::chrono::steady_clock::now() - start;
        REQUIRE(records.size() == 8);
        CHECK(started == 4);
        CHECK(records[0].result == outcome::failed);
        for (std::size_t i = 1; i <= 3; ++i) {
            if (mode == on_failure_limit::finish) {
                CHECK(records[i].result == outcome::ok);
            } else {
                CHECK(records[i].result == outcome::cancelled);
                CHECK(records[i].error == "cancelled: the failure limit (1 failure) was reached");
            }
        }
        for (std::size_t i = 4; i < 8; ++i)
            CHECK(records[i].error == "not started: the failure limit (1 failure) was reached");
        if (mode == on_failure_limit::cancel) CHECK(took < 800ms);
        if (mode == on_failure_limit::finish) CHECK(took >= 1000ms);
    }
}

TEST_CASE("runner: without a limit every target runs, failures or not") {
    auto targets = make_targets(6);
    int started = 0;
    auto records = run(targets, scripted({"t0", "t1", "t2"}, 1ms, 1ms, started), run_options{2});
    CHECK(started == 6);
    CHECK(records[5].result == outcome::ok);
}

TEST_CASE("runner: --on-failure reads finish or cancel") {
    CHECK(*parse_on_failure_limit("finish") == on_failure_limit::finish);
    CHECK(*parse_on_failure_limit("cancel") == on_failure_limit::cancel);
    CHECK(parse_on_failure_limit("stop").problem() == "'stop' is not finish or cancel");
}
