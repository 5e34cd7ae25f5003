// The summary's "limits" line: which limit held a run below the concurrency
// the user asked for, by how much, and how to lift it. Silent when none did.
#pragma once

#include "asyncfetch/report/summary.hpp"

#include <cstddef>
#include <string>

namespace asyncfetch::report {

struct limits_in_force {
    std::size_t concurrency = 0; // -c as asked (per process)
    std::size_t ran_at = 0;      // -c as run, after fitting the open-files limit
    std::size_t processes = 1;   // -j
    std::size_t open_files = 0;  // the soft RLIMIT_NOFILE when it lowered -c
    std::string queue_limit;     // the limit targets can wait for inside (e.g. "--per-host 4")
    std::string queue_lift;      // how to lift it (e.g. "--per-host 0")
};

// "limits: 196 of 200 requests waited up to 1.21 s for --per-host 4; peak 4
// in flight of -c 200; --per-host 0 lifts it", or "" when nothing held back.
std::string limits_line(const summary& s, const limits_in_force& l);

// What --compare prints of the concurrent pass: "-c 200, no per-host limit".
std::string describe_limits(const limits_in_force& l);

} // namespace asyncfetch::report
