#include "asyncfetch/core/units.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace std::chrono_literals;

TEST_CASE("units: durations") {
    CHECK(*parse_duration("90s") == 90s);
    CHECK(*parse_duration("1h30m") == 90min);
    CHECK(*parse_duration("0.5s") == 500ms);
    CHECK(*parse_duration("250ms") == 250ms);
    CHECK(*parse_duration("2d") == 48h);
    CHECK(parse_duration("90").problem() ==
          "'90' is not a duration (a unit is missing; e.g. 90s, 15m, 1h30m)");
    CHECK(parse_duration("5w").problem() ==
          "'5w' is not a duration (unknown unit 'w'; e.g. 90s, 15m, 1h30m)");
    CHECK(!parse_duration(""));
    CHECK(!parse_duration("s"));
}

TEST_CASE("units: sizes") {
    CHECK(*parse_size("64M") == 64ull << 20);
    CHECK(*parse_size("512k") == 512ull << 10);
    CHECK(*parse_size("100") == 100);
    CHECK(parse_size("5T").problem() == "unknown size unit 'T' in '5T' (use K, M or G)");
    CHECK(!parse_size("big"));
}

TEST_CASE("units: a duration or size too large to hold says so, never wraps to negative") {
    CHECK(parse_duration("99999999999999999999d").problem() ==
          "'99999999999999999999d' is too large (at most 3650d)");
    CHECK(parse_duration("1e400s").problem() == "'1e400s' is too large (at most 3650d)");
    CHECK(parse_duration("3651d").problem() == "'3651d' is too large (at most 3650d)");
    CHECK(*parse_duration("3650d") == 3650 * 24h);
    CHECK(parse_size("99999999999G").problem() == "size '99999999999G' is too large");
    CHECK(parse_size("1e400").problem() == "size '1e400' is too large");
}

TEST_CASE("units: a flag's duration is a duration text or plain seconds, as in a config") {
    CHECK(*parse_timeout("90s") == 90s);
    CHECK(*parse_timeout("1.5s") == 1500ms);
    CHECK(*parse_timeout("200ms") == 200ms);
    CHECK(*parse_timeout("30") == 30s);
    CHECK(*parse_timeout("0.25") == 250ms);
    CHECK(parse_timeout("0").problem() == "must be more than 0 seconds");
    CHECK(parse_timeout("-1").problem() == "must be more than 0 seconds");
    CHECK(parse_timeout("5w").problem() ==
          "'5w' is not a duration (unknown unit 'w'; e.g. 90s, 15m, 1h30m)");
    CHECK(parse_timeout("1e400").problem() == "'1e400' is too large (at most 3650d)");
    CHECK(*parse_pause("0") == 0ms);
    CHECK(parse_pause("-1").problem() == "must be at least 0, got '-1'");
    CHECK(parse_pause("-1s").problem() == "must be at least 0, got '-1s'");
}

TEST_CASE("units: counts say their bound") {
    CHECK(*parse_count("8", 0, 100) == 8);
    CHECK(parse_count("-1", 0, 100).problem() == "must be at least 0, got -1");
    CHECK(parse_count("101", 0, 100).problem() == "must be at most 100, got 101");
    CHECK(parse_count("3x", 0, 100).problem() == "expected a whole number, got '3x'");
    CHECK(parse_count("99999999999999999999", 0, 100).problem() ==
          "'99999999999999999999' is too large (at most 100)");
}

TEST_CASE("units: defaults are shown as they are written") {
    CHECK(format_duration(30s) == "30s");
    CHECK(format_duration(10min) == "10m");
    CHECK(format_duration(200ms) == "200ms");
    CHECK(format_duration(1500ms) == "1.5s");
    CHECK(format_duration(0ms) == "0s");
    CHECK(format_size(64ull << 20) == "64M");
    CHECK(format_size(512ull << 10) == "512K");
    CHECK(format_size(100) == "100");
}
