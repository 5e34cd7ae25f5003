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

parsed<std::uint64_t> parse_size(std::string_view text) {
    double v = 0;
    std::size_t used = 0;
    if (!leading_number(text, v, used))
        return problem("'" + std::string(text) + "' is not a size (e.g. 512K, 64M, 1G)");
    const auto unit = text.substr(used);
    double scale = 1;
    if (unit == "K" || unit == "k")
        scale = 1ull << 10;
    else if (unit == "M" || unit == "m")
        scale = 1ull << 20;
    else if (unit == "G" || unit == "g")
        scale = 1ull << 30;
    else if (!unit.empty())
        return problem("unknown size unit '" + std::string(unit) + "' in '" + std::string(text) +
                       "' (use K, M or G)");
    if (v < 0) return problem("size '" + std::string(text) + "' must not be negative");
    // 2^64 is exactly representable: anything at or above it does not fit.
    if (!(v * scale < 18446744073709551616.0))
        return problem("size '" + std::string(text) + "' is too large");
    return static_cast<std::uint64_t>(v * scale);
}

std::string format_size(std::uint64_t bytes) {
    for (auto [unit, shift] : {std::pair{"G", 30}, {"M", 20}, {"K", 10}})
        if (bytes != 0 && bytes % (1ull << shift) == 0)
            return std::to_string(bytes >> shift) + unit;
    return std::to_string(bytes);
}

parsed<std::chrono::milliseconds> parse_duration(std::string_view text) {
    const std::string whole(text);
    const auto bad = [&whole](const std::string& why) {
        return problem("'" + whole + "' is not a duration (" + why + "; e.g. 90s, 15m, 1h30m)");
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
    if (!(total_ms <= static_cast<double>(max_duration.count())))
        return problem(duration_too_large(whole));
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

parsed<std::chrono::milliseconds> seconds_duration(double seconds, std::string_view as_written) {
    const double ms = seconds * 1000;
    if (std::isnan(ms) || ms < 0)
        return problem("'" + std::string(as_written) +
                       "' is not a duration (must not be negative)");
    if (!(ms <= static_cast<double>(max_duration.count())))
        return problem(duration_too_large(as_written));
    return std::chrono::milliseconds(std::llround(ms));
}

parsed<std::chrono::milliseconds> parse_pause(std::string_view text) {
    // A plain number is seconds, as the flags always took them ("--timeout 30").
    double v = 0;
    std::size_t used = 0;
    if (leading_number(text, v, used) && used == text.size()) {
        if (v < 0) return problem("must be at least 0, got '" + std::string(text) + "'");
        return seconds_duration(v, text);
    }
    if (text.starts_with('-'))
        return problem("must be at least 0, got '" + std::string(text) + "'");
    return parse_duration(text);
}

parsed<std::chrono::milliseconds> positive(parsed<std::chrono::milliseconds> d) {
    if (d && d->count() <= 0) return problem("must be more than 0 seconds");
    return d;
}

parsed<std::chrono::milliseconds> parse_timeout(std::string_view text) {
    auto d = parse_pause(text);
    if (!d && d.problem().starts_with("must be at least 0"))
        return problem("must be more than 0 seconds");
    return positive(std::move(d));
}

std::string format_duration(std::chrono::milliseconds d) {
    const auto ms = d.count();
    if (ms % 60000 == 0 && ms >= 60000) return std::to_string(ms / 60000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    if (ms < 1000) return std::to_string(ms) + "ms";
    auto text = std::to_string(static_cast<double>(ms) / 1000);
    text.erase(text.find_last_not_of('0') + 1);
    return text + "s";
}

std::string count_range_problem(long long n, long long lo, long long hi) {
    if (n < lo) return "must be at least " + std::to_string(lo) + ", got " + std::to_string(n);
    if (n > hi) return "must be at most " + std::to_string(hi) + ", got " + std::to_string(n);
    return "";
}

parsed<long long> parse_count(std::string_view text, long long lo, long long hi) {
    long long n = 0;
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, n);
    if (ec == std::errc::result_out_of_range)
        return problem("'" + std::string(text) + "' is too large (at most " + std::to_string(hi) +
                       ")");
    if (ec != std::errc{} || p != end)
        return problem("expected a whole number, got '" + std::string(text) + "'");
    if (auto why = count_range_problem(n, lo, hi); !why.empty()) return problem(why);
    return n;
}

std::string duration_too_large(std::string_view text) {
    return "'" + std::string(text) + "' is too large (at most " +
           std::to_string(std::chrono::duration_cast<std::chrono::hours>(max_duration).count() /
                          24) +
           "d)";
}

} // namespace asyncfetch
