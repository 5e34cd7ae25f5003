// Sizes ("64M") and durations ("90s", "1h30m") as people write them on a
// command line or in a config file.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace asyncfetch {

// "512K", "64M", "1G" or a plain number of bytes (binary units).
parsed<std::uint64_t> parse_size(std::string_view text);

// "64M", "512K", "100": how a size is shown (help defaults).
std::string format_size(std::uint64_t bytes);

// The longest duration anything takes (ten years): beyond it a duration is
// "too large", never a wrapped-around negative number.
inline constexpr std::chrono::milliseconds max_duration = std::chrono::hours(24 * 3650);

// One or more NUMBER UNIT pairs, units ms, s, m, h, d: "90s", "1h30m", "0.5s".
parsed<std::chrono::milliseconds> parse_duration(std::string_view text);

// A limit given as a duration ("90s", "1.5s", "200ms") or a plain number of
// seconds ("30", "0.5"), as on the command line: must be more than zero.
parsed<std::chrono::milliseconds> parse_timeout(std::string_view text);

// As parse_timeout, and zero is allowed (no pause, or no limit).
parsed<std::chrono::milliseconds> parse_pause(std::string_view text);

// `d` when it is more than zero: what a timeout must be.
parsed<std::chrono::milliseconds> positive(parsed<std::chrono::milliseconds> d);

// A number of seconds as a JSON config gives it (30, 1.5), the same bound.
parsed<std::chrono::milliseconds> seconds_duration(double seconds, std::string_view as_written);

// "30s", "1.5s", "200ms", "10m": how a duration is shown (help defaults).
std::string format_duration(std::chrono::milliseconds d);

// A whole number in [lo, hi] ("must be at least 0", "must be at most 100").
parsed<long long> parse_count(std::string_view text, long long lo, long long hi);
std::string count_range_problem(long long n, long long lo, long long hi);

// "'99999999999d' is too large (at most 3650d)": the one wording of an overflowing duration.
std::string duration_too_large(std::string_view text);

} // namespace asyncfetch
