// Five-field cron expressions (minute hour day-of-month month day-of-week)
// with ranges, lists, steps, month and day names and the @daily-style
// shorthands, and the next time one fires in UTC or in local time.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::schedule {

using sys_seconds = std::chrono::sys_seconds;

enum class time_zone { utc, local };

class cron_expr {
public:
    // "*/15 9-17 * * mon-fri", "@hourly", ... Problems name the field:
    // "field 3 '32' out of range 1-31".
    static asyncfetch::parsed<cron_expr> parse(std::string_view text);

    // The first time strictly after `after` that the expression matches, in
    // `zone`'s wall-clock time; nullopt if none within 30 years (an impossible
    // date such as 30 February). Local time follows the C library's TZ rules:
    // a time skipped by a DST change fires at the change; a time repeated by
    // one fires once, at its first occurrence.
    std::optional<sys_seconds> next_after(sys_seconds after, time_zone zone) const;

    const std::string& text() const noexcept { return text_; }

private:
    bool day_matches(int year, int month, int day) const;

    std::string text_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;    // 1-31
    std::bitset<13> months_;  // 1-12
    std::bitset<7> weekdays_; // 0 = Sunday
    bool any_day_ = true;     // day-of-month field starts with '*'
    bool any_weekday_ = true; // day-of-week field starts with '*'
};

// "2026-11-23T10:00:00Z" (UTC) or "2026-11-23T05:00:00-05:00" (local).
std::string format_time(sys_seconds t, time_zone zone);

} // namespace asyncfetch::schedule
