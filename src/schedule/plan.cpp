#include "asyncfetch/schedule/plan.hpp"

#include <algorithm>

using sys_clock = std::chrono::system_clock;

namespace asyncfetch::schedule {

std::chrono::milliseconds jitter_delay(std::chrono::milliseconds jitter, std::uint64_t random) {
    if (jitter.count() <= 0) return {};
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(random % static_cast<std::uint64_t>(jitter.count())));
}

fire_time next_fire_time(const schedule_spec& s, sys_clock::time_point now,
                         std::optional<sys_clock::time_point> previous, std::uint64_t random) {
    fire_time t;
    if (s.cron) {
        const auto from =
            std::chrono::floor<std::chrono::seconds>(previous ? std::max(now, *previous) : now);
        // Never again (no matching date within 30 years): max, not sys_seconds's
        // max, which does not fit the clock's nanoseconds.
        const auto next = s.cron->next_after(from, s.zone);
        t.base = next ? sys_clock::time_point(*next) : sys_clock::time_point::max();
    } else if (!previous) {
        t.base = now;
    } else {
        t.base = *previous;
        // The first whole period after `now`, counted rather than stepped to
        // (a previous base far in the past costs no loop).
        if (t.base <= now && s.every.count() > 0 && t.base != sys_clock::time_point::max())
            t.base += (now - t.base) / s.every * s.every + s.every;
    }
    t.due =
        t.base == sys_clock::time_point::max() ? t.base : t.base + jitter_delay(s.jitter, random);
    return t;
}

bool same_schedule(const std::optional<schedule_spec>& a, const std::optional<schedule_spec>& b) {
    if (!a || !b) return !a && !b;
    return (a->cron ? a->cron->text() : "") == (b->cron ? b->cron->text() : "") &&
           a->every == b->every && a->jitter == b->jitter && a->zone == b->zone;
}

} // namespace asyncfetch::schedule
