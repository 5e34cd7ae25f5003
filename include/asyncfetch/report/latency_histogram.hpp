// Latencies in a fixed number of buckets, HDR-style (log-linear): exact to
// the nanosecond below 256 ns, then 128 linear buckets per doubling, so a
// bucket is at most 1/128 of its values wide and a percentile read from it
// is within 0.8% of the exact one. Counts grow only up to the largest
// latency seen (~3,600 buckets up to 10 s), whatever the number of samples:
// the run summary and the HTML report both keep their latencies here.
#pragma once

#include <cstdint>
#include <vector>

namespace asyncfetch::report {

class latency_histogram {
public:
    // The report's axes start here: below it, latencies read as "under 1 us".
    static constexpr double lowest_ms = 0.001;

    void add(double ms);
    std::uint64_t count() const noexcept { return count_; }
    double min() const noexcept { return min_; }
    double max() const noexcept { return max_; }
    // Nearest rank: the latency at or below which a fraction q (0..1] of the
    // samples lie, as the upper edge of its bucket (never beyond min..max); 0
    // when empty.
    double percentile(double q) const;
    // Bucket i's upper edge in ms.
    static double upper_edge(std::size_t i);
    const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    double min_ = 0, max_ = 0;
};

} // namespace asyncfetch::report
