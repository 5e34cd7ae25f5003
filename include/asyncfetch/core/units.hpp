// Sizes ("64M") and durations ("90s", "1h30m") as people write them on a
// command line or in a config file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace asyncfetch {

// The value, or what is wrong with the text.
template <class T>
using parsed_or_problem = std::variant<T, std::string>;

// "512K", "64M", "1G" or a plain number of bytes (binary units).
parsed_or_problem<std::uint64_t> parse_size(std::string_view text);

// The longest duration anything takes (ten years): beyond it a duration is
// "too large", never a wrapped-around negative number.
inline constexpr std::chrono::milliseconds max_duration = std::chrono::hours(24 * 3650);

// One or more NUMBER UNIT pairs, units ms, s, m, h, d: "90s", "1h30m", "0.5s".
parsed_or_problem<std::chrono::milliseconds> parse_duration(std::string_view text);

// "'99999999999d' is too large (at most 3650d)": the one wording of an overflowing duration.
std::string duration_too_large(std::string_view text);

} // namespace asyncfetch
