#include "asyncfetch/schedule/cron.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

using namespace asyncfetch::schedule;
using namespace std::chrono;

namespace {

sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

cron_expr must_parse(const char* text) {
    auto p = cron_expr::parse(text);
    REQUIRE_MESSAGE(p, p.problem());
    return *p;
}

std::string problem_of(const char* text) {
    auto p = cron_expr::parse(text);
    CHECK_FALSE(p);
    return p.problem();
}

// Sets TZ for one test and puts the old value back.
struct zone_guard {
    explicit zone_guard(const char* tz) {
        if (const char* old = std::getenv("TZ")) saved = old;
        setenv("TZ", tz, 1);
        tzset();
    }
    ~zone_guard() {
        if (saved.empty())
            unsetenv("TZ");
        else
            setenv("TZ", saved.c_str(), 1);
        tzset();
    }
    std::string saved;
};

// The next fire time as text (UTC), so a failing check shows both times.
std::string next_of(const cron_expr& e, sys_seconds after, time_zone zone) {
    const auto t = e.next_after(after, zone);
    return t ? format_time(*t, time_zone::utc) : "never";
}

std::string at(sys_seconds t) {
    return format_time(t, time_zone::utc);
}

} // namespace

TEST_CASE("cron: mistakes are named by field and value") {
    CHECK(problem_of("0 0 32 * *") == "field 3 '32' out of range 1-31");
    CHECK(problem_of("60 * * * *") == "field 1 '60' out of range 0-59");
    CHECK(problem_of("* 24 * * *") == "field 2 '24' out of range 0-23");
    CHECK(problem_of("* * * 13 *") == "field 4 '13' out of range 1-12");
    CHECK(problem_of("* * * * 8") == "field 5 '8' out of range 0-7");
    CHECK(problem_of("* * * *") == "expected 5 fields (minute hour day month weekday), got 4");
    CHECK(problem_of("*/0 * * * *") == "field 1 step '0' must be a number from 1");
    CHECK(problem_of("x * * * *") == "field 1 'x' is not a number or name");
    CHECK(problem_of("* 5-3 * * *") == "field 2 '5-3' is a backwards range");
    CHECK(problem_of("1,,2 * * * *") == "field 1 '1,,2' has an empty list item");
    CHECK(problem_of("@reboot").find("unknown shorthand '@reboot'") == 0);
}

TEST_CASE("cron: steps, ranges, lists and names") {
    CHECK(next_of(must_parse("*/15 * * * *"), utc(2026, 11, 23, 10, 7), time_zone::utc) ==
          at(utc(2026, 11, 23, 10, 15)));
    // Strictly after: a time on the mark moves on to the next one.
    CHECK(next_of(must_parse("*/15 * * * *"), utc(2026, 11, 23, 10, 15), time_zone::utc) ==
          at(utc(2026, 11, 23, 10, 30)));
    CHECK(next_of(must_parse("5/20 * * * *"), utc(2026, 11, 23, 10, 46), time_zone::utc) ==
          at(utc(2026, 11, 23, 11, 5)));
    CHECK(next_of(must_parse("0 9-17/4 * * *"), utc(2026, 11, 23, 13, 30), time_zone::utc) ==
          at(utc(2026, 11, 23, 17, 0)));
    // 2026-11-28 is a Saturday: the next weekday 09:30 in Jan-Mar is 1 January 2027 (Friday).
    CHECK(next_of(must_parse("30 9 * JAN-mar mon-fri"), utc(2026, 11, 28), time_zone::utc) ==
          at(utc(2027, 1, 1, 9, 30)));
    CHECK(next_of(must_parse("0 0 * * 7"), utc(2026, 11, 23), time_zone::utc) ==
          at(utc(2026, 11, 29))); // 7 is Sunday
    CHECK(next_of(must_parse("@hourly"), utc(2026, 11, 23, 10, 59), time_zone::utc) ==
          at(utc(2026, 11, 23, 11, 0)));
    CHECK(next_of(must_parse("1,2,58 * * * *"), utc(2026, 11, 23, 10, 3), time_zone::utc) ==
          at(utc(2026, 11, 23, 10, 58)));
}

TEST_CASE("cron: month ends, leap days and impossible dates") {
    // April has 30 days: day 31 next happens in May.
    CHECK(next_of(must_parse("0 0 31 * *"), utc(2026, 4, 1), time_zone::utc) ==
          at(utc(2026, 5, 31)));
    CHECK(next_of(must_parse("0 12 29 2 *"), utc(2026, 3, 1), time_zone::utc) ==
          at(utc(2028, 2, 29, 12, 0)));
    CHECK(next_of(must_parse("59 23 31 12 *"), utc(2026, 12, 31, 23, 59), time_zone::utc) ==
          at(utc(2027, 12, 31, 23, 59)));
    CHECK(next_of(must_parse("0 0 30 2 *"), utc(2026, 1, 1), time_zone::utc) == "never");
    CHECK(next_of(must_parse("0 0 31 4,6,9,11 *"), utc(2026, 1, 1), time_zone::utc) == "never");
}

TEST_CASE("cron: both day fields restricted means either matches") {
    // 2026-11-21 is a Saturday; Friday the 27th comes before the 1st of December.
    CHECK(next_of(must_parse("0 0 1 * fri"), utc(2026, 11, 21), time_zone::utc) ==
          at(utc(2026, 11, 27)));
    CHECK(next_of(must_parse("0 0 1 * fri"), utc(2026, 11, 27), time_zone::utc) ==
          at(utc(2026, 12, 1)));
    // A '*'-led day field does not widen the other: */2 days only.
    CHECK(next_of(must_parse("0 0 */10 * *"), utc(2026, 11, 12), time_zone::utc) ==
          at(utc(2026, 11, 21)));
}

TEST_CASE("cron: local time across daylight-saving changes") {
    zone_guard tz("America/New_York");
    // 8 March 2026: 02:00 EST jumps to 03:00 EDT; 02:30 never happens and
    // fires at the change (07:00 UTC), then normally the next day (06:30 UTC).
    const auto daily_0230 = must_parse("30 2 * * *");
    CHECK(next_of(daily_0230, utc(2026, 3, 8, 5, 0), time_zone::local) ==
          at(utc(2026, 3, 8, 7, 0)));
    CHECK(next_of(daily_0230, utc(2026, 3, 8, 7, 0), time_zone::local) ==
          at(utc(2026, 3, 9, 6, 30)));
    // 1 November 2026: 02:00 EDT goes back to 01:00 EST; 01:30 fires once,
    // at its first occurrence (05:30 UTC), and next on 2 November (06:30 UTC).
    const auto daily_0130 = must_parse("30 1 * * *");
    CHECK(next_of(daily_0130, utc(2026, 11, 1, 4, 0), time_zone::local) ==
          at(utc(2026, 11, 1, 5, 30)));
    CHECK(next_of(daily_0130, utc(2026, 11, 1, 5, 30), time_zone::local) ==
          at(utc(2026, 11, 2, 6, 30)));
    // Hourly through the repeated hour: 01:00 EDT, then 02:00 EST (two hours later).
    const auto hourly = must_parse("0 * * * *");
    CHECK(next_of(hourly, utc(2026, 11, 1, 4, 30), time_zone::local) == at(utc(2026, 11, 1, 5, 0)));
    CHECK(next_of(hourly, utc(2026, 11, 1, 5, 0), time_zone::local) == at(utc(2026, 11, 1, 7, 0)));
    CHECK(format_time(utc(2026, 7, 1, 12, 0), time_zone::local) == "2026-07-01T08:00:00-04:00");
    CHECK(format_time(utc(2026, 7, 1, 12, 0), time_zone::utc) == "2026-07-01T12:00:00Z");
}
