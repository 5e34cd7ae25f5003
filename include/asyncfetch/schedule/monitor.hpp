// What a running scheduler shows through `run --listen`: /metrics
// (schedule/metrics.hpp), /healthz, and / (a status page: the jobs, their
// last and next runs, the recent outcomes). The scheduler feeds it run-log
// lines and each run's target events; the listener asks it for replies.
#pragma once

#include "asyncfetch/report/output.hpp"
#include "asyncfetch/schedule/listener.hpp"
#include "asyncfetch/schedule/metrics.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::schedule {

// One job as the scheduler sees it now.
struct job_status {
    std::string name, type, schedule; // schedule: cron text, "every 30 s", or "" (none)
    bool running = false;
    unsigned runs = 0;
    std::optional<std::chrono::system_clock::time_point> next; // due, jitter included
};

class service_monitor {
public:
    explicit service_monitor(std::string config_path);

    // A run-log line (a run ended, or was skipped).
    void logged(const nlohmann::ordered_json& line);
    // What a run of `job` tells the metrics, target by target.
    report::output_watch watch(const std::string& job);
    // The reply to GET `path`; `jobs` as they are now.
    http_reply reply(std::string_view path, const std::vector<job_status>& jobs) const;

    const service_metrics& metrics() const noexcept { return metrics_; }

private:
    service_metrics metrics_;
    std::deque<nlohmann::ordered_json> recent_;          // newest first, at most 20
    std::map<std::string, nlohmann::ordered_json> last_; // each job's last run-log line
    std::string config_path_;
    std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

// The status page: one self-contained HTML page, every text from the
// config or a run escaped.
std::string status_page(const std::string& config_path,
                        std::chrono::system_clock::time_point started,
                        const std::vector<job_status>& jobs,
                        const std::map<std::string, nlohmann::ordered_json>& last,
                        const std::deque<nlohmann::ordered_json>& recent);

} // namespace asyncfetch::schedule
