#include "asyncfetch/report/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace asyncfetch::report {
namespace {

// Values are whole nanoseconds. Below `linear` each has its own bucket; above,
// each doubling [2^k, 2^(k+1)) is cut into `half` equal buckets.
constexpr std::uint64_t linear = 256, half = linear / 2;
constexpr int half_bits = 7; // log2(half)
// The longest latency told apart from longer ones: 2^50 ns (~13 days).
constexpr std::uint64_t largest = std::uint64_t{1} << 50;

std::size_t bucket_of(std::uint64_t ns) {
    if (ns < linear) return ns;
    const int shift = std::bit_width(ns) - 1 - half_bits; // >= 1
    return linear + (shift - 1) * half + ((ns >> shift) - half);
}

// The first value of bucket i, and its width.
std::uint64_t lower_of(std::size_t i, std::uint64_t& width) {
    if (i < linear) {
        width = 1;
        return i;
    }
    const auto shift = (i - linear) / half + 1;
    width = std::uint64_t{1} << shift;
    return (half + (i - linear) % half) << shift;
}

} // namespace

void latency_histogram::add(double ms) {
    const double ns = std::clamp(ms * 1e6, 0.0, static_cast<double>(largest));
    const auto i = bucket_of(static_cast<std::uint64_t>(ns));
    if (i >= counts_.size()) counts_.resize(i + 1, 0);
    ++counts_[i];
    min_ = count_ == 0 ? ms : std::min(min_, ms);
    max_ = count_ == 0 ? ms : std::max(max_, ms);
    ++count_;
}

double latency_histogram::upper_edge(std::size_t i) {
    std::uint64_t width = 0;
    const auto lower = lower_of(i, width);
    return static_cast<double>(lower + width) / 1e6;
}

double latency_histogram::percentile(double q) const {
    if (count_ == 0) return 0;
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        // The bucket's upper edge, but never beyond what was seen; the last
        // holds the largest (and any past 2^50 ns): the largest seen.
        if (seen >= rank)
            return i + 1 == counts_.size() ? max_ : std::clamp(upper_edge(i), min_, max_);
    }
    return max_;
}

} // namespace asyncfetch::report
