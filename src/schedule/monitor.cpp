#include "asyncfetch/schedule/monitor.hpp"

#include "asyncfetch/report/html_report.hpp"
#include "asyncfetch/schedule/job_run.hpp"

using json = nlohmann::ordered_json;
using sys_clock = std::chrono::system_clock;

namespace asyncfetch::schedule {
namespace {

constexpr std::size_t recent_runs = 20;

std::string text_of(const json& line, const char* key) {
    const auto it = line.find(key);
    if (it == line.end()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// A run-log line in a table row: start, status, counts, elapsed, error.
std::string run_cells(const json& line) {
    using report::html_escape;
    const auto status = text_of(line, "status");
    std::string counts;
    if (line.contains("targets"))
        counts = text_of(line, "ok") + " ok, " + text_of(line, "failed") + " failed, " +
                 text_of(line, "cancelled") + " cancelled of " + text_of(line, "targets");
    const auto why = status == "error" ? text_of(line, "error") : text_of(line, "reason");
    return "<td>" + html_escape(text_of(line, "start")) + "</td><td class=\"" +
           html_escape(status) + "\">" + html_escape(status) + "</td><td>" + html_escape(counts) +
           "</td><td>" + html_escape(text_of(line, "elapsed_s")) + "</td><td>" + html_escape(why) +
           "</td>";
}

} // namespace

service_monitor::service_monitor(std::string config_path) : config_path_(std::move(config_path)) {}

void service_monitor::logged(const json& line) {
    const auto job = text_of(line, "job");
    const auto elapsed = line.find("elapsed_s");
    const double seconds =
        elapsed != line.end() && elapsed->is_number() ? elapsed->get<double>() : 0;
    metrics_.run_ended(job, text_of(line, "status"), seconds, sys_clock::now());
    last_[job] = line;
    recent_.push_front(line);
    if (recent_.size() > recent_runs) recent_.pop_back();
}

report::output_watch service_monitor::watch(const std::string& job) {
    report::output_watch w;
    w.started = [this] { metrics_.target_started(); };
    w.ended = [this] { metrics_.target_stopped(); };
    w.finished = [this, job](const record& r) { metrics_.target_ended(job, r); };
    return w;
}

http_reply service_monitor::reply(std::string_view path,
                                  const std::vector<job_status>& jobs) const {
    if (path == "/metrics")
        return {200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render()};
    if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
    if (path == "/")
        return {200, "text/html; charset=utf-8",
                status_page(config_path_, started_, jobs, last_, recent_)};
    return {404, "text/plain; charset=utf-8", "not found: try /, /metrics or /healthz\n"};
}

std::string status_page(const std::string& config_path, sys_clock::time_point started,
                        const std::vector<job_status>& jobs,
                        const std::map<std::string, json>& last, const std::deque<json>& recent) {
    using report::html_escape;
    std::string s =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"refresh\" content=\"10\"><title>asyncfetch run: " +
        html_escape(config_path) +
        "</title><style>body{font:14px sans-serif;margin:1.5em}table{border-collapse:collapse;"
        "margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
        ".ok{color:#060}.failed,.error{color:#a00}.cancelled,.skipped{color:#860}</style>"
        "</head><body><h1>asyncfetch run</h1><p>Config <code>" +
        html_escape(config_path) + "</code>, up since " + html_escape(utc_stamp(started)) +
        ". <a href=\"/metrics\">metrics</a></p><h2>Jobs</h2><table><tr><th>job</th><th>type</th>"
        "<th>schedule</th><th>state</th><th>runs</th><th>next run</th><th>last run</th>"
        "<th>status</th><th>targets</th><th>seconds</th><th>why</th></tr>";
    for (const auto& j : jobs) {
        s += "<tr><td>" + html_escape(j.name) + "</td><td>" + html_escape(j.type) + "</td><td>" +
             html_escape(j.schedule.empty() ? "none" : j.schedule) + "</td><td>" +
             (j.running ? "running" : "idle") + "</td><td>" + std::to_string(j.runs) + "</td><td>" +
             (j.next ? html_escape(utc_stamp(*j.next)) : "-") + "</td>";
        const auto l = last.find(j.name);
        s += l == last.end() ? "<td>-</td><td></td><td></td><td></td><td></td>"
                             : run_cells(l->second);
        s += "</tr>";
    }
    s += "</table><h2>Recent runs</h2><table><tr><th>job</th><th>run</th><th>start</th>"
         "<th>status</th><th>targets</th><th>seconds</th><th>why</th></tr>";
    for (const auto& line : recent)
        s += "<tr><td>" + html_escape(text_of(line, "job")) + "</td><td>" +
             html_escape(text_of(line, "run")) + "</td>" + run_cells(line) + "</tr>";
    return s + "</table></body></html>\n";
}

} // namespace asyncfetch::schedule
