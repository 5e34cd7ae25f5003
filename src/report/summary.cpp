#include "asyncfetch/report/summary.hpp"

#include <algorithm>
#include <cstdio>

namespace asyncfetch::report {

void summary::add(const record& r) {
    if (r.queued_ms > 0) {
        ++queued_;
        longest_queue_ms_ = std::max(longest_queue_ms_, r.queued_ms);
    }
    peak_in_flight_ = std::max(peak_in_flight_, r.in_flight_at_start);
    switch (r.result) {
    case outcome::ok:
        ++ok_;
        break;
    case outcome::failed:
        ++failed_;
        break;
    case outcome::cancelled:
        ++cancelled_;
        return; // never finished: no latency
    }
    bytes_ += r.bytes;
    latencies_.add(r.elapsed_ms);
}

double summary::latency_percentile(double p) const {
    return latencies_.percentile(p / 100.0);
}

std::string summary::format(std::chrono::duration<double> wall, const char* bytes_verb) const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%zu targets: %zu ok, %zu failed, %zu cancelled; %s %s; "
                  "latency p50 %.0f ms, p90 %.0f ms, p99 %.0f ms; wall %.2f s",
                  total(), ok_, failed_, cancelled_, human_bytes(bytes_).c_str(), bytes_verb,
                  latency_percentile(50), latency_percentile(90), latency_percentile(99),
                  wall.count());
    return buf;
}

std::string human_bytes(std::uint64_t n) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1000 && u < 4)
        v /= 1000, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

} // namespace asyncfetch::report
