// When a scheduled job fires next. Pure: the clock reading and the random
// draw for jitter are inputs, so the scheduler and `run --dry-run` compute the
// same times, and tests check them without waiting.
#pragma once

#include "asyncfetch/schedule/config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace asyncfetch::schedule {

struct fire_time {
    std::chrono::system_clock::time_point base; // from the schedule alone; max(): never
    std::chrono::system_clock::time_point due;  // base + jitter: when the run starts
};

// The fire time after `now`. `previous` is the base the job was last planned
// at (nullopt the first time: an `every` job then fires at once, a cron job at
// its next matching minute). An `every` job steps on from `previous` by whole
// periods; missed periods are not made up. `random` is any uniformly drawn
// 64-bit value: the jitter is jitter_delay(s.jitter, random).
fire_time next_fire_time(const schedule_spec& s, std::chrono::system_clock::time_point now,
                         std::optional<std::chrono::system_clock::time_point> previous,
                         std::uint64_t random);

// A delay in [0, jitter) from a random 64-bit value; zero when jitter <= 0.
std::chrono::milliseconds jitter_delay(std::chrono::milliseconds jitter, std::uint64_t random);

// Whether a reloaded job keeps its planned fire time: the same cron text or
// period, jitter and zone (the overlap policy does not change when it fires).
bool same_schedule(const std::optional<schedule_spec>& a, const std::optional<schedule_spec>& b);

} // namespace asyncfetch::schedule
