#include "asyncfetch/core/units.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace std::chrono_literals;

TEST_CASE("units: durations") {
    CHECK(std::get<std::chrono::milliseconds>(parse_duration("90s")) == 90s);
    CHECK(std::get<std::chrono::milliseconds>(parse_duration("1h30m")) == 90min);
    CHECK(std::get<std::chrono::milliseconds>(parse_duration("0.5s")) == 500ms);
    CHECK(std::get<std::chrono::milliseconds>(parse_duration("250ms")) == 250ms);
    CHECK(std::get<std::chrono::milliseconds>(parse_duration("2d")) == 48h);
    CHECK(std::get<std::string>(parse_duration("90")) ==
          "'90' is not a duration (a unit is missing; e.g. 90s, 15m, 1h30m)");
    CHECK(std::get<std::string>(parse_duration("5w")) ==
          "'5w' is not a duration (unknown unit 'w'; e.g. 90s, 15m, 1h30m)");
    CHECK(std::holds_alternative<std::string>(parse_duration("")));
    CHECK(std::holds_alternative<std::string>(parse_duration("s")));
}

TEST_CASE("units: sizes") {
    CHECK(std::get<std::uint64_t>(parse_size("64M")) == 64ull << 20);
    CHECK(std::get<std::uint64_t>(parse_size("512k")) == 512ull << 10);
    CHECK(std::get<std::uint64_t>(parse_size("100")) == 100);
    CHECK(std::get<std::string>(parse_size("5T")) ==
          "unknown size unit 'T' in '5T' (use K, M or G)");
    CHECK(std::holds_alternative<std::string>(parse_size("big")));
}

TEST_CASE("units: a duration or size too large to hold says so, never wraps to negative") {
    CHECK(std::get<std::string>(parse_duration("99999999999999999999d")) ==
          "'99999999999999999999d' is too large (at most 3650d)");
    CHECK(std::get<std::string>(parse_duration("1e400s")) ==
          "'1e400s' is too large (at most 3650d)");
    CHECK(std::get<std::string>(parse_duration("3651d")) == "'3651d' is too large (at most 3650d)");
    CHECK(std::get<std::chrono::milliseconds>(parse_duration("3650d")) == 3650 * 24h);
    CHECK(std::get<std::string>(parse_size("99999999999G")) == "size '99999999999G' is too large");
    CHECK(std::get<std::string>(parse_size("1e400")) == "size '1e400' is too large");
}
