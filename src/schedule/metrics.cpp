#include "asyncfetch/schedule/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace asyncfetch::schedule {
namespace {

// Run durations: a second to an hour; requests: 5 ms to a minute.
constexpr std::array<double, 12> run_bounds{1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600};
constexpr std::array<double, 14> request_bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                1,     2.5,  5,     10,   20,  30,   60};

// A number as the text format writes one: shortest round-trip form.
std::string number(double v) {
    char buf[40];
    if (v == std::floor(v) && std::fabs(v) < 1e15) { // whole: 2000, not 2e+03
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%.17g", v);
    double back = 0;
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        std::sscanf(buf, "%lf", &back);
        if (back == v) break;
    }
    return buf;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

template <std::size_t N>
void histogram_lines(std::string& out, const std::string& name, const std::string& labels,
                     const histogram<N>& h) {
    const auto sep = labels.empty() ? "" : ",";
    for (std::size_t i = 0; i < N; ++i)
        out += name + "_bucket{" + labels + sep + "le=\"" + number(h.bounds[i]) + "\"} " +
               std::to_string(h.counts[i]) + "\n";
    out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    const auto braces = labels.empty() ? std::string() : "{" + labels + "}";
    out += name + "_sum" + braces + " " + number(h.sum) + "\n";
    out += name + "_count" + braces + " " + std::to_string(h.count) + "\n";
}

const char* outcome_name(outcome o) {
    switch (o) {
    case outcome::ok:
        return "ok";
    case outcome::failed:
        return "failed";
    case outcome::cancelled:
        break;
    }
    return "cancelled";
}

std::string job_label(const std::string& job) {
    return "job=\"" + escape_label(job) + "\"";
}

} // namespace

std::string escape_label(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

service_metrics::service_metrics() {
    request_seconds_.bounds = request_bounds;
}

void service_metrics::run_ended(const std::string& job, const std::string& status, double seconds,
                                std::chrono::system_clock::time_point end) {
    ++runs_[{job, status}];
    if (status == "skipped") return; // it never ran: no duration
    auto& h = run_seconds_[job];
    h.bounds = run_bounds;
    h.observe(seconds);
    if (status == "ok")
        last_success_[job] = std::chrono::duration<double>(end.time_since_epoch()).count();
}

void service_metrics::target_ended(const std::string& job, const record& r) {
    ++targets_[{job, outcome_name(r.result)}];
    if (r.result != outcome::cancelled) request_seconds_.observe(r.elapsed_ms / 1000);
}

std::string service_metrics::render() const {
    std::string out;
    header(out, "asyncfetch_runs_total", "counter", "Runs of each job, by outcome.");
    for (const auto& [key, n] : runs_)
        out += "asyncfetch_runs_total{" + job_label(key.first) + ",outcome=\"" +
               escape_label(key.second) + "\"} " + std::to_string(n) + "\n";
    header(out, "asyncfetch_targets_total", "counter", "Targets of each job, by outcome.");
    for (const auto& [key, n] : targets_)
        out += "asyncfetch_targets_total{" + job_label(key.first) + ",outcome=\"" +
               escape_label(key.second) + "\"} " + std::to_string(n) + "\n";
    header(out, "asyncfetch_last_success_timestamp_seconds", "gauge",
           "When each job's last successful run ended (Unix time).");
    for (const auto& [job, t] : last_success_)
        out +=
            "asyncfetch_last_success_timestamp_seconds{" + job_label(job) + "} " + number(t) + "\n";
    header(out, "asyncfetch_run_duration_seconds", "histogram", "How long each job's runs took.");
    for (const auto& [job, h] : run_seconds_)
        histogram_lines(out, "asyncfetch_run_duration_seconds", job_label(job), h);
    header(out, "asyncfetch_request_duration_seconds", "histogram",
           "How long each finished target (request, command, transfer) took.");
    histogram_lines(out, "asyncfetch_request_duration_seconds", "", request_seconds_);
    header(out, "asyncfetch_in_flight", "gauge", "Targets running now, over all jobs.");
    out += "asyncfetch_in_flight " + std::to_string(in_flight_) + "\n";
    return out;
}

} // namespace asyncfetch::schedule
