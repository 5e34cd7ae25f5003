#include "asyncfetch/report/limits.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::report;

namespace {

summary of(std::size_t targets, std::size_t queued, double longest_ms, std::size_t peak) {
    summary s;
    for (std::size_t i = 0; i < targets; ++i) {
        record r;
        r.queued_ms = i < queued ? longest_ms * static_cast<double>(i + 1) / queued : 0;
        r.in_flight_at_start = i < peak ? i + 1 : 1;
        s.add(r);
    }
    return s;
}

limits_in_force per_host(std::size_t c, std::size_t processes = 1) {
    limits_in_force l;
    l.concurrency = l.ran_at = c;
    l.processes = processes;
    l.queue_limit = "--per-host 4";
    l.queue_lift = "--per-host 0";
    return l;
}

} // namespace

TEST_CASE("limits line: silent when nothing held the run back") {
    CHECK(limits_line(of(200, 0, 0, 200), per_host(200)).empty());
    limits_in_force none;
    none.concurrency = none.ran_at = 50;
    CHECK(limits_line(of(10, 0, 0, 10), none).empty());
}

TEST_CASE("limits line: a per-host limit that made requests wait is named with how to lift it") {
    CHECK(limits_line(of(200, 196, 1210, 4), per_host(200)) ==
          "limits: 196 of 200 requests waited up to 1.21 s for --per-host 4; peak 4 in "
          "flight of -c 200; --per-host 0 lifts it");
    CHECK(limits_line(of(200, 190, 500, 2), per_host(100, 2)) ==
          "limits: 190 of 200 requests waited up to 0.50 s for --per-host 4; peak 2 in "
          "flight of -c 100 per process (-j 2); --per-host 0 lifts it");
}

TEST_CASE("limits line and --compare text: -c lowered to fit the open-files limit") {
    limits_in_force l;
    l.concurrency = 2000;
    l.ran_at = 200;
    l.open_files = 256;
    CHECK(limits_line(of(10, 0, 0, 10), l) ==
          "limits: -c 2000 ran as -c 200 to fit the open-files limit (ulimit -n 256); raise "
          "ulimit -n to lift it");
    CHECK(describe_limits(l) == "-c 200 (lowered from 2000 by ulimit -n 256)");
    CHECK(describe_limits(per_host(200)) == "-c 200, --per-host 4");
}
