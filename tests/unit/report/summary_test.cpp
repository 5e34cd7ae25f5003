#include "asyncfetch/report/summary.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::report;

namespace {
record rec(outcome o, double ms, std::uint64_t bytes) {
    record r;
    r.result = o;
    r.elapsed_ms = ms;
    r.bytes = bytes;
    return r;
}
} // namespace

TEST_CASE("summary counts outcomes and bytes, cancelled targets have no latency") {
    summary s;
    for (int i = 1; i <= 100; ++i)
        s.add(rec(i % 10 == 0 ? outcome::failed : outcome::ok, i, 10));
    s.add(rec(outcome::cancelled, 99999, 0));
    CHECK(s.total() == 101);
    CHECK(s.ok() == 90);
    CHECK(s.failed() == 10);
    CHECK(s.cancelled() == 1);
    CHECK(s.bytes() == 1000);
    // From a fixed-size histogram: within 1% of the exact ones.
    CHECK(s.latency_percentile(50) == doctest::Approx(50).epsilon(0.01));
    CHECK(s.latency_percentile(90) == doctest::Approx(90).epsilon(0.01));
    CHECK(s.latency_percentile(99) == doctest::Approx(99).epsilon(0.01));
    CHECK(s.latency_percentile(100) == 100);
    const auto line = s.format(std::chrono::duration<double>(1.5));
    CHECK(line.find("101 targets: 90 ok, 10 failed, 1 cancelled") == 0);
    CHECK(line.find("p50 50 ms") != std::string::npos);
    CHECK(line.find("wall 1.50 s") != std::string::npos);
}

TEST_CASE("percentiles of an empty summary are zero") {
    summary s;
    CHECK(s.latency_percentile(50) == 0);
}

TEST_CASE("human_bytes") {
    CHECK(human_bytes(0) == "0 B");
    CHECK(human_bytes(999) == "999 B");
    CHECK(human_bytes(1500) == "1.5 KB");
    CHECK(human_bytes(2500000) == "2.5 MB");
}
