#include "asyncfetch/core/units.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace asyncfetch {
namespace {

// A leading decimal number; `used` is how many characters it took. A number
// too large for a double reads as infinity (then "too large", not "no number").
bool leading_number(std::string_view text, double& value, std::size_t& used) {
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, value);
    used = static_cast<std::size_t>(p - text.data());
    if (ec == std::errc::result_out_of_range) {
        // from_chars leaves `value` alone then; strtod tells overflow from underflow.
        value = std::strtod(std::string(text.substr(0, used)).c_str(), nullptr);
        return true;
    }
    return ec == std::errc{} && !std::isnan(value);
}

} // namespace

parsed_or_problem<std::uint64_t> parse_size(std::string_view text) {
    double v = 0;
    std::size_t used = 0;
    if (!leading_number(text, v, used))
        return "'" + std::string(text) + "' is not a size (e.g. 512K, 64M, 1G)";
    const auto unit = text.substr(used);
    double scale = 1;
    if (unit == "K" || unit == "k")
        scale = 1ull << 10;
    else if (unit == "M" || unit == "m")
        scale = 1ull << 20;
    else if (unit == "G" || unit == "g")
        scale = 1ull << 30;
    else if (!unit.empty())
        return "unknown size unit '" + std::string(unit) + "' in '" + std::string(text) +
               "' (use K, M or G)";
    if (v < 0) return "size '" + std::string(text) + "' must not be negative";
    // 2^64 is exactly representable: anything at or above it does not fit.
    if (!(v * scale < 18446744073709551616.0))
        return "size '" + std::string(text) + "' is too large";
    return static_cast<std::uint64_t>(v * scale);
}

parsed_or_problem<std::chrono::milliseconds> parse_duration(std::string_view text) {
    const std::string whole(text);
    const auto bad = [&whole](const std::string& why) {
        return "'" + whole + "' is not a duration (" + why + "; e.g. 90s, 15m, 1h30m)";
    };
    if (text.empty()) return bad("empty");
    double total_ms = 0;
    while (!text.empty()) {
        double v = 0;
        std::size_t used = 0;
        if (!leading_number(text, v, used) || v < 0) return bad("expected a number");
        text.remove_prefix(used);
        const auto unit_end = text.find_first_of("0123456789.");
        const auto unit = text.substr(0, unit_end);
        text.remove_prefix(unit.size());
        double ms = 0;
        if (unit == "ms")
            ms = 1;
        else if (unit == "s")
            ms = 1e3;
        else if (unit == "m")
            ms = 60e3;
        else if (unit == "h")
            ms = 3600e3;
        else if (unit == "d")
            ms = 86400e3;
        else
            return bad(unit.empty() ? "a unit is missing"
                                    : "unknown unit '" + std::string(unit) + "'");
        total_ms += v * ms;
    }
    // Checked before the conversion: a wrapped-around value would read as negative.
    if (!(total_ms <= static_cast<double>(max_duration.count()))) return duration_too_large(whole);
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

std::string duration_too_large(std::string_view text) {
    return "'" + std::string(text) + "' is too large (at most " +
           std::to_string(std::chrono::duration_cast<std::chrono::hours>(max_duration).count() /
                          24) +
           "d)";
}

} // namespace asyncfetch
