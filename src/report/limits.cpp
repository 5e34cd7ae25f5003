#include "asyncfetch/report/limits.hpp"

#include <cstdio>

namespace asyncfetch::report {
namespace {

std::string concurrency_text(const limits_in_force& l) {
    std::string text = "-c " + std::to_string(l.ran_at);
    if (l.processes > 1) text += " per process (-j " + std::to_string(l.processes) + ")";
    return text;
}

} // namespace

std::string limits_line(const summary& s, const limits_in_force& l) {
    std::string parts;
    auto add = [&parts](const std::string& part) { parts += (parts.empty() ? "" : "; ") + part; };
    if (l.ran_at < l.concurrency) {
        add("-c " + std::to_string(l.concurrency) + " ran as -c " + std::to_string(l.ran_at) +
            " to fit the open-files limit (ulimit -n " + std::to_string(l.open_files) +
            "); raise ulimit -n to lift it");
    }
    if (s.queued() > 0 && !l.queue_limit.empty()) {
        char wait[64];
        std::snprintf(wait, sizeof wait, "%.2f s", s.longest_queue_ms() / 1000);
        std::string part = std::to_string(s.queued()) + " of " + std::to_string(s.total()) +
                           " requests waited up to " + wait + " for " + l.queue_limit;
        if (s.peak_in_flight() > 0)
            part += "; peak " + std::to_string(s.peak_in_flight()) + " in flight of " +
                    concurrency_text(l);
        if (!l.queue_lift.empty()) part += "; " + l.queue_lift + " lifts it";
        add(part);
    }
    return parts.empty() ? std::string() : "limits: " + parts;
}

std::string describe_limits(const limits_in_force& l) {
    std::string text = "-c " + std::to_string(l.ran_at);
    if (l.ran_at < l.concurrency)
        text += " (lowered from " + std::to_string(l.concurrency) + " by ulimit -n " +
                std::to_string(l.open_files) + ")";
    if (!l.queue_limit.empty()) text += ", " + l.queue_limit;
    return text;
}

} // namespace asyncfetch::report
