#include "asyncfetch/report/latency_histogram.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace asyncfetch::report;

namespace {

// The exact nearest-rank percentile, as the summary computed it from every latency.
double exact(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

void check_within_one_percent(const std::vector<double>& values) {
    latency_histogram h;
    for (const double v : values)
        h.add(v);
    CHECK(h.count() == values.size());
    for (const double q : {0.5, 0.9, 0.99, 0.999}) {
        CAPTURE(q);
        CHECK(h.percentile(q) == doctest::Approx(exact(values, q)).epsilon(0.01));
        // An upper edge: never below the exact one.
        CHECK(h.percentile(q) >= exact(values, q));
    }
    CHECK(h.percentile(1.0) == *std::max_element(values.begin(), values.end()));
}

} // namespace

TEST_CASE("percentiles from the histogram are within 1% of the exact ones, whatever the shape") {
    std::mt19937_64 random(23);
    std::vector<double> values(200'000);
    SUBCASE("uniform over 0.05 to 500 ms") {
        std::uniform_real_distribution<double> d(0.05, 500);
        for (auto& v : values)
            v = d(random);
    }
    SUBCASE("exponential around 20 us (refused connects)") {
        std::exponential_distribution<double> d(1 / 0.02);
        for (auto& v : values)
            v = d(random);
    }
    SUBCASE("lognormal with a long tail (web latencies)") {
        std::lognormal_distribution<double> d(std::log(80.0), 1.2);
        for (auto& v : values)
            v = d(random);
    }
    SUBCASE("bimodal: cached 0.3 ms and remote 900 ms, plus timeouts at 30 s") {
        std::normal_distribution<double> fast(0.3, 0.02), slow(900, 60);
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = i % 100 == 0 ? 30'000 : i % 3 == 0 ? slow(random) : fast(random);
    }
    SUBCASE("whole milliseconds, 1 to 1000") {
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<double>(1 + i % 1000);
    }
    check_within_one_percent(values);
}

TEST_CASE("the histogram's memory does not grow with the number of samples") {
    latency_histogram h;
    for (std::uint64_t i = 0; i < 1'000'000; ++i)
        h.add(0.01 * static_cast<double>(1 + i)); // up to 10 s
    const auto buckets = h.counts().size();
    for (std::uint64_t i = 0; i < 1'000'000; ++i)
        h.add(0.01 * static_cast<double>(1 + (i * 7919) % 1'000'000));
    CHECK(h.counts().size() == buckets);
    // Up to 10 s: a few thousand buckets, not one slot per sample.
    CHECK(buckets < 4000);
}

TEST_CASE("the histogram keeps latencies beyond its ends, within what was seen") {
    latency_histogram h;
    CHECK(h.percentile(0.5) == 0);
    h.add(0);
    h.add(1e12); // past 2^50 ns: counted in the last bucket
    CHECK(h.percentile(0.5) <= latency_histogram::lowest_ms);
    CHECK(h.percentile(1) == 1e12);
    h.add(-1); // a clock that went back: counted at 0, not lost
    CHECK(h.count() == 3);
}
