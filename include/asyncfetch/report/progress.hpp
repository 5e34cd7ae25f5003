// The progress line on a terminal: done/total, ok/failed, rate, p50 latency
// and ETA, redrawn in place ("\r", erase line) on a timer of the run's own
// event loop, at most ten times a second (a terminal is slower than the
// targets). Per-target lines go above it: report::output clears the line,
// prints, and puts it back.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace asyncfetch::report {

class output;

struct progress_figures {
    std::size_t done = 0, total = 0; // total 0: not known ahead (a crawl): no ETA
    std::size_t ok = 0, failed = 0, cancelled = 0;
    double elapsed_s = 0; // since the pass began
    double p50_ms = 0;    // over finished targets
};

// "[120/500] 118 ok, 2 failed | 57.3/s | p50 12 ms | ETA 7 s". Pure.
std::string format_progress(const progress_figures& f);

// How often the line is redrawn at most.
inline constexpr std::chrono::milliseconds progress_interval{100};

// Redraws `out`'s progress line every progress_interval until cancelled:
// run it `||` the pass, when out.progress().
boost::asio::awaitable<void> keep_progress_drawn(output& out);

} // namespace asyncfetch::report
