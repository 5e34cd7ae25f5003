#include "asyncfetch/schedule/dry_run.hpp"

#include "asyncfetch/schedule/plan.hpp"

#include <chrono>
#include <cstdio>

using sys_clock = std::chrono::system_clock;

namespace asyncfetch::schedule {
namespace {

std::string seconds_text(std::chrono::milliseconds d) {
    char text[32];
    std::snprintf(text, sizeof text, "%gs", std::chrono::duration<double>(d).count());
    return text;
}

std::string describe_schedule(const schedule_spec& s) {
    std::string text = s.cron ? "cron '" + s.cron->text() + "'" : "every " + seconds_text(s.every);
    if (s.jitter.count() > 0) text += " + up to " + seconds_text(s.jitter) + " jitter";
    text += s.zone == time_zone::utc ? ", UTC" : ", local time";
    text += s.overlap == overlap_policy::skip ? ", overlap skip" : ", overlap queue";
    return text;
}

} // namespace

int print_dry_run(const config& c, const std::string& only_job) {
    const auto now = std::chrono::floor<std::chrono::seconds>(sys_clock::now());
    for (const auto& job : c.jobs) {
        if (!only_job.empty() && job.name != only_job) continue;
        const auto count = read_job_targets(c, job).input.targets.size();
        std::printf("job %s (%s, %zu targets) -> %s\n", job.name.c_str(), type_name(job.type),
                    count, job.output.c_str());
        if (!job.schedule) {
            std::printf("  no schedule: runs with --once only\n");
            continue;
        }
        const auto& s = *job.schedule;
        std::printf("  %s\n", describe_schedule(s).c_str());
        // The scheduler's own plan, each fire planned as the run before it
        // fires (times before jitter: the jitter is drawn at run time).
        auto t = next_fire_time(s, now, std::nullopt, 0);
        for (int i = 0; i < 5 && t.base != sys_clock::time_point::max(); ++i) {
            std::printf(
                "  %s\n",
                format_time(std::chrono::floor<std::chrono::seconds>(t.base), s.zone).c_str());
            t = next_fire_time(s, t.base, t.base, 0);
        }
    }
    std::printf("run log: %s\n", c.run_log.c_str());
    return 0;
}

} // namespace asyncfetch::schedule
