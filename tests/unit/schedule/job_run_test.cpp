// The pure part of a job run: where its output goes.
#include "asyncfetch/schedule/job_run.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::schedule;
using namespace std::chrono;

TEST_CASE("expand_output: {job}, {time} in UTC and {run}, every occurrence") {
    const auto start =
        sys_days{year{2026} / 11 / 23} + hours{10} + minutes{15} + seconds{7} + milliseconds{900};
    CHECK(expand_output("out/{job}-{time}-{run}.jsonl", "crawl", start, 12) ==
          "out/crawl-20261123T101507Z-12.jsonl");
    CHECK(expand_output("{job}/{job}.{run}", "a", start, 1) == "a/a.1");
    CHECK(expand_output("fixed.jsonl", "a", start, 3) == "fixed.jsonl");
}

TEST_CASE("utc_stamp: whole seconds, UTC") {
    const auto t = sys_days{year{2026} / 11 / 23} + hours{10} + minutes{15} + milliseconds{999};
    CHECK(utc_stamp(t) == "2026-11-23T10:15:00Z");
}
