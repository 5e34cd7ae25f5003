// What `asyncfetch run --listen` tells Prometheus: runs and targets by job and
// outcome, the last successful run's time, run and request duration
// histograms and the targets in flight, in the text exposition format
// (version 0.0.4). Pure: the scheduler feeds it, /metrics renders it.
#pragma once

#include "asyncfetch/core/target.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace asyncfetch::schedule {

// Cumulative bucket counts, their sum and count, as Prometheus keeps them.
template <std::size_t N>
struct histogram {
    std::array<double, N> bounds{}; // upper bounds in seconds, ascending (+Inf implied)
    std::array<std::uint64_t, N> counts{};
    std::uint64_t count = 0;
    double sum = 0;
    void observe(double seconds) {
        for (std::size_t i = 0; i < N; ++i)
            if (seconds <= bounds[i]) ++counts[i];
        ++count;
        sum += seconds;
    }
};

class service_metrics {
public:
    service_metrics();

    // A job's run ended: `status` as its run-log line says (ok, failed,
    // cancelled, error, skipped), after `seconds` (none for a skipped run).
    void run_ended(const std::string& job, const std::string& status, double seconds,
                   std::chrono::system_clock::time_point end);
    void target_started() { ++in_flight_; }
    void target_stopped() { --in_flight_; } // a started target ended
    void target_ended(const std::string& job, const record& r);

    // The whole exposition, "# HELP"/"# TYPE" lines included.
    std::string render() const;

private:
    using job_outcome = std::pair<std::string, std::string>;
    std::map<job_outcome, std::uint64_t> runs_, targets_;
    std::map<std::string, double> last_success_; // unix seconds
    std::map<std::string, histogram<12>> run_seconds_;
    histogram<14> request_seconds_;
    std::int64_t in_flight_ = 0;
};

// A label value escaped as the text format wants (backslash, quote, newline).
std::string escape_label(const std::string& value);

} // namespace asyncfetch::schedule
