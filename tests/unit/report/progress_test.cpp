#include "asyncfetch/report/progress.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::report;

TEST_CASE("progress: done/total, ok/failed, rate, p50 and the ETA from the rate so far") {
    progress_figures f;
    f.done = 120;
    f.total = 500;
    f.ok = 118;
    f.failed = 2;
    f.elapsed_s = 2;
    f.p50_ms = 12.4;
    // 60/s: 380 to go take 6.33 s, said as 7 s (rounded up: never early).
    CHECK(format_progress(f) == "[120/500] 118 ok, 2 failed | 60.0/s | p50 12 ms | ETA 7 s");
}

TEST_CASE("progress: a crawl's total is unknown: no total and no ETA") {
    progress_figures f;
    f.done = 40;
    f.ok = 40;
    f.elapsed_s = 4;
    f.p50_ms = 3;
    CHECK(format_progress(f) == "[40] 40 ok, 0 failed | 10.0/s | p50 3 ms");
}

TEST_CASE("progress: nothing finished yet: counts only, no rate, latency or ETA") {
    progress_figures f;
    f.total = 10;
    f.elapsed_s = 1;
    CHECK(format_progress(f) == "[0/10] 0 ok, 0 failed");
}

TEST_CASE("progress: cancelled targets are named, the last line has no ETA") {
    progress_figures f;
    f.done = f.total = 10;
    f.ok = 7;
    f.failed = 1;
    f.cancelled = 2;
    f.elapsed_s = 1;
    f.p50_ms = 100;
    CHECK(format_progress(f) == "[10/10] 7 ok, 1 failed, 2 cancelled | 10.0/s | p50 100 ms");
}

TEST_CASE("progress: long ETAs in minutes and hours") {
    progress_figures f;
    f.done = 1;
    f.total = 1000;
    f.ok = 1;
    f.elapsed_s = 1;
    CHECK(format_progress(f).ends_with("ETA 16 min 39 s"));
    f.total = 100000;
    CHECK(format_progress(f).ends_with("ETA 27 h 46 min"));
}
