#include "asyncfetch/schedule/output_names.hpp"

#include <doctest/doctest.h>

using asyncfetch::schedule::outputs_can_collide;

TEST_CASE("output names: templates that some start time and run number make equal collide") {
    // The same literal path, or the same one spelled differently.
    CHECK(outputs_can_collide("/o/a.jsonl", "x", "/o/a.jsonl", "y"));
    CHECK(outputs_can_collide("/o/./a.jsonl", "x", "/o/a.jsonl", "y"));
    // {job} is each job's own name.
    CHECK_FALSE(outputs_can_collide("/o/{job}.jsonl", "a", "/o/{job}.jsonl", "b"));
    CHECK(outputs_can_collide("/o/{job}.jsonl", "a", "/o/a.jsonl", "b"));
    // {run} is one or more digits.
    CHECK(outputs_can_collide("/o/a-{run}.jsonl", "x", "/o/a-17.jsonl", "y"));
    CHECK(outputs_can_collide("/o/{job}-{run}.jsonl", "a", "/o/{job}.jsonl", "a-1"));
    CHECK_FALSE(outputs_can_collide("/o/a-{run}.jsonl", "x", "/o/a-.jsonl", "y"));
    CHECK_FALSE(outputs_can_collide("/o/a-{run}.jsonl", "x", "/o/a-x.jsonl", "y"));
    CHECK(outputs_can_collide("/o/{run}{run}", "x", "/o/{run}", "y"));
    // {time} is 20261123T101500Z.
    CHECK(outputs_can_collide("/o/{time}.jsonl", "x", "/o/20261123T101500Z.jsonl", "y"));
    CHECK_FALSE(outputs_can_collide("/o/{time}.jsonl", "x", "/o/2026.jsonl", "y"));
    CHECK(outputs_can_collide("/o/{time}-{run}", "x", "/o/{run}T{run}Z-1", "y"));
    CHECK_FALSE(outputs_can_collide("/o/{time}", "x", "/o/{run}", "y")); // T and Z are no digits
}
