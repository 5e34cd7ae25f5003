#include "asyncfetch/schedule/metrics.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::schedule;

namespace {
record rec(outcome o, double ms) {
    record r;
    r.result = o;
    r.elapsed_ms = ms;
    return r;
}
bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}
} // namespace

TEST_CASE("metrics: runs and targets by job and outcome, the last success, in flight") {
    service_metrics m;
    m.target_started();
    m.target_started();
    m.target_stopped();
    m.target_ended("web", rec(outcome::ok, 30));
    m.target_ended("web", rec(outcome::failed, 700));
    m.target_ended("web", rec(outcome::cancelled, 0)); // never started: no in-flight change
    m.run_ended("web", "failed", 3.5, std::chrono::system_clock::from_time_t(1000));
    m.run_ended("web", "ok", 0.5, std::chrono::system_clock::from_time_t(2000));
    m.run_ended("web", "skipped", 0, std::chrono::system_clock::from_time_t(3000));
    const auto text = m.render();
    CHECK(has_line(text, "asyncfetch_runs_total{job=\"web\",outcome=\"failed\"} 1"));
    CHECK(has_line(text, "asyncfetch_runs_total{job=\"web\",outcome=\"ok\"} 1"));
    CHECK(has_line(text, "asyncfetch_runs_total{job=\"web\",outcome=\"skipped\"} 1"));
    CHECK(has_line(text, "asyncfetch_targets_total{job=\"web\",outcome=\"ok\"} 1"));
    CHECK(has_line(text, "asyncfetch_targets_total{job=\"web\",outcome=\"cancelled\"} 1"));
    CHECK(has_line(text, "asyncfetch_last_success_timestamp_seconds{job=\"web\"} 2000"));
    CHECK(has_line(text, "asyncfetch_in_flight 1"));
    // Histograms: cumulative buckets, +Inf = count; a skipped run has no duration.
    CHECK(has_line(text, "asyncfetch_run_duration_seconds_bucket{job=\"web\",le=\"1\"} 1"));
    CHECK(has_line(text, "asyncfetch_run_duration_seconds_bucket{job=\"web\",le=\"5\"} 2"));
    CHECK(has_line(text, "asyncfetch_run_duration_seconds_bucket{job=\"web\",le=\"+Inf\"} 2"));
    CHECK(has_line(text, "asyncfetch_run_duration_seconds_sum{job=\"web\"} 4"));
    CHECK(has_line(text, "asyncfetch_request_duration_seconds_bucket{le=\"0.05\"} 1"));
    CHECK(has_line(text, "asyncfetch_request_duration_seconds_bucket{le=\"0.5\"} 1"));
    CHECK(has_line(text, "asyncfetch_request_duration_seconds_bucket{le=\"1\"} 2"));
    CHECK(has_line(text, "asyncfetch_request_duration_seconds_count 2"));
    CHECK(has_line(text, "# TYPE asyncfetch_run_duration_seconds histogram"));
}

TEST_CASE("metrics: a job name is escaped as a label value") {
    CHECK(escape_label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
    service_metrics m;
    m.run_ended("x\"}\nevil 1", "ok", 1, std::chrono::system_clock::from_time_t(5));
    const auto text = m.render();
    CHECK(text.find("\nevil 1") == std::string::npos);
    CHECK(text.find("job=\"x\\\"}\\nevil 1\"") != std::string::npos);
}
