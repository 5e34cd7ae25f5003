// Fire times as the scheduler and --dry-run plan them, without waiting: the
// clock reading and the jitter's random draw are inputs (UTC, so no DST).
#include "asyncfetch/schedule/plan.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>

using namespace asyncfetch::schedule;
using namespace std::chrono;
using tp = system_clock::time_point;

namespace {

tp utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

schedule_spec cron(const char* text, milliseconds jitter = {}) {
    auto p = cron_expr::parse(text);
    REQUIRE_MESSAGE(p, p.problem());
    schedule_spec s;
    s.cron = std::move(p).value();
    s.jitter = jitter;
    return s;
}

schedule_spec every(milliseconds period, milliseconds jitter = {}) {
    schedule_spec s;
    s.every = period;
    s.jitter = jitter;
    return s;
}

// The base times of `n` fires in a row, each planned when the one before fires.
std::vector<tp> fires(const schedule_spec& s, tp now, int n) {
    std::vector<tp> out;
    auto t = next_fire_time(s, now, std::nullopt, 0);
    for (int i = 0; i < n; ++i) {
        out.push_back(t.base);
        t = next_fire_time(s, t.base, t.base, 0);
    }
    return out;
}

} // namespace

TEST_CASE("every: the first run is at once, then one per period") {
    const auto now = utc(2026, 11, 30, 10, 0, 0) + milliseconds(250);
    CHECK(fires(every(minutes(15)), now, 3) ==
          std::vector<tp>{now, now + minutes(15), now + minutes(30)});
}

TEST_CASE("every: missed periods are not made up, the grid is kept") {
    const auto base = utc(2026, 11, 30, 10);
    // Woken 2.5 periods late: the next fire is the grid's next point after now.
    const auto late = next_fire_time(every(seconds(60)), base + seconds(150), base, 0);
    CHECK(late.base == base + seconds(180));
    // Exactly on a grid point: that point has passed, the next one is due.
    CHECK(next_fire_time(every(seconds(60)), base + seconds(120), base, 0).base ==
          base + seconds(180));
    // Woken early (the clock went back): the planned time stays.
    CHECK(next_fire_time(every(seconds(60)), base - seconds(5), base, 0).base == base);
    // A previous base decades ago is counted, not stepped through.
    CHECK(next_fire_time(every(seconds(1)), base, tp{}, 0).base == base + seconds(1));
}

TEST_CASE("cron: */N steps restart at the top of each hour") {
    const auto now = utc(2026, 11, 30, 10, 7, 30);
    CHECK(fires(cron("*/15 * * * *"), now, 4) ==
          std::vector<tp>{utc(2026, 11, 30, 10, 15), utc(2026, 11, 30, 10, 30),
                          utc(2026, 11, 30, 10, 45), utc(2026, 11, 30, 11, 0)});
    CHECK(fires(cron("*/7 * * * *"), utc(2026, 11, 30, 10, 55), 3) ==
          std::vector<tp>{utc(2026, 11, 30, 10, 56), utc(2026, 11, 30, 11, 0),
                          utc(2026, 11, 30, 11, 7)});
    CHECK(fires(cron("0 */6 * * *"), utc(2026, 11, 30, 19), 2) ==
          std::vector<tp>{utc(2026, 12, 1, 0), utc(2026, 12, 1, 6)});
}

TEST_CASE("cron: month ends, leap days and the year's end") {
    // The 31st skips the months without one.
    CHECK(fires(cron("0 0 31 * *"), utc(2026, 1, 31, 0, 0, 1), 3) ==
          std::vector<tp>{utc(2026, 3, 31), utc(2026, 5, 31), utc(2026, 7, 31)});
    // The last days of February: 28 in 2027, 29 in 2028.
    CHECK(fires(cron("30 12 28,29 2 *"), utc(2027, 2, 28, 12, 30), 3) ==
          std::vector<tp>{utc(2028, 2, 28, 12, 30), utc(2028, 2, 29, 12, 30),
                          utc(2029, 2, 28, 12, 30)});
    // Midnight at the turn of the year, from the last second before it.
    CHECK(next_fire_time(cron("0 0 1 1 *"), utc(2026, 12, 31, 23, 59, 59), std::nullopt, 0).base ==
          utc(2027, 1, 1));
}

TEST_CASE("cron: the next fire is strictly after the one that just fired") {
    const auto fired = utc(2026, 11, 30, 10, 15);
    // The run fired a little early (now before its base): still the next minute after the base.
    CHECK(next_fire_time(cron("* * * * *"), fired - milliseconds(3), fired, 0).base ==
          fired + minutes(1));
    // Sub-second parts of now do not repeat a minute.
    CHECK(next_fire_time(cron("* * * * *"), fired + milliseconds(999), fired, 0).base ==
          fired + minutes(1));
}

TEST_CASE("cron: a date that never comes is never due, whatever the jitter") {
    const auto t =
        next_fire_time(cron("0 0 30 2 *", seconds(30)), utc(2026, 11, 30), std::nullopt, 12345);
    CHECK(t.base == tp::max());
    CHECK(t.due == tp::max());
}

TEST_CASE("jitter: due is base plus a delay from 0 up to but not including the jitter") {
    CHECK(jitter_delay(milliseconds(0), 12345) == milliseconds(0));
    CHECK(jitter_delay(milliseconds(-5), 12345) == milliseconds(0));
    CHECK(jitter_delay(seconds(10), 0) == milliseconds(0));
    CHECK(jitter_delay(seconds(10), 9999) == milliseconds(9999));
    CHECK(jitter_delay(seconds(10), 10000) == milliseconds(0));
    CHECK(jitter_delay(seconds(10), std::numeric_limits<std::uint64_t>::max()) < seconds(10));

    std::mt19937_64 rng(42);
    const auto now = utc(2026, 11, 30, 10, 7, 30);
    milliseconds lowest = seconds(30), highest{0};
    for (int i = 0; i < 2000; ++i) {
        const auto e = next_fire_time(every(minutes(1), seconds(30)), now, std::nullopt, rng());
        const auto c = next_fire_time(cron("*/5 * * * *", seconds(30)), now, std::nullopt, rng());
        CHECK(e.base == now);
        CHECK(c.base == utc(2026, 11, 30, 10, 10));
        for (const auto& t : {e, c}) {
            const auto delay = duration_cast<milliseconds>(t.due - t.base);
            REQUIRE(delay >= milliseconds(0));
            REQUIRE(delay < seconds(30));
            lowest = std::min(lowest, delay);
            highest = std::max(highest, delay);
        }
    }
    // Spread over the whole window, not bunched at one end.
    CHECK(lowest < seconds(1));
    CHECK(highest > seconds(29));
}

TEST_CASE("jitter: the same draw gives the same time") {
    const auto s = every(minutes(1), seconds(30));
    const auto now = utc(2026, 11, 30, 10);
    CHECK(next_fire_time(s, now, now, 777).due == next_fire_time(s, now, now, 777).due);
    CHECK(next_fire_time(s, now, now, 777).due == now + minutes(1) + milliseconds(777));
}

TEST_CASE("a reload keeps the planned time only when the schedule's timing is unchanged") {
    auto a = std::optional(cron("*/5 * * * *"));
    auto b = a;
    b->overlap = overlap_policy::queue;
    CHECK(same_schedule(a, b));
    CHECK(same_schedule(std::nullopt, std::nullopt));
    CHECK_FALSE(same_schedule(a, std::nullopt));
    CHECK_FALSE(same_schedule(a, std::optional(cron("*/10 * * * *"))));
    CHECK_FALSE(same_schedule(a, std::optional(cron("*/5 * * * *", seconds(1)))));
    CHECK_FALSE(
        same_schedule(std::optional(every(seconds(60))), std::optional(every(seconds(90)))));
    b->zone = time_zone::local;
    CHECK_FALSE(same_schedule(a, b));
}
