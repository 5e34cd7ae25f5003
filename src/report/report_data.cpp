#include "asyncfetch/report/report_data.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace asyncfetch::report {

using input_json = nlohmann::json;

void capped_counts::add(const std::string& key) {
    if (auto it = counts_.find(key); it != counts_.end())
        ++it->second;
    else if (counts_.size() < cap_)
        counts_.emplace(key, 1);
    else
        ++others_;
}

std::string shortened(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    // Cut on a UTF-8 character boundary, not inside one.
    auto cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(text.substr(0, cut)) + "...";
}

std::string error_phase(std::string_view error) {
    std::size_t n = 0;
    while (n < error.size() && n < 32 &&
           (std::isalpha(static_cast<unsigned char>(error[n])) || error[n] == '_'))
        ++n;
    return n == 0 ? "other" : std::string(error.substr(0, n));
}

namespace {

std::optional<double> number_at(const input_json& r, const char* key, std::string& problem) {
    const auto it = r.find(key);
    if (it == r.end() || it->is_null()) return std::nullopt;
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0) {
        problem = std::string("\"") + key + "\" is not a non-negative number";
        return std::nullopt;
    }
    return it->get<double>();
}

std::optional<int> int_at(const input_json& r, const char* key, std::string& problem) {
    const auto it = r.find(key);
    if (it == r.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < std::numeric_limits<int>::min() ||
        it->get<std::int64_t>() > std::numeric_limits<int>::max()) {
        problem = std::string("\"") + key + "\" is not an integer";
        return std::nullopt;
    }
    return it->get<int>();
}

std::string string_at(const input_json& r, const char* key) {
    const auto it = r.find(key);
    return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string host_of_url(const std::string& url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || parsed->host().empty()) return "(no host)";
    return shortened(parsed->host(), 100);
}

} // namespace

std::optional<report_entry> read_entry(const input_json& r, std::string& problem) {
    problem.clear();
    if (!r.is_object()) {
        problem = "not a JSON object";
        return std::nullopt;
    }
    report_entry e;
    const bool has_url = r.contains("url") && r["url"].is_string();
    e.ssh = !has_url && r.contains("host") && r["host"].is_string();
    if (!has_url && !e.ssh) {
        problem = "neither a \"url\" nor a \"host\" string: not an asyncfetch record";
        return std::nullopt;
    }
    const auto elapsed = number_at(r, "elapsed_ms", problem);
    if (!problem.empty()) return std::nullopt;
    if (!elapsed) {
        problem = "no \"elapsed_ms\"";
        return std::nullopt;
    }
    e.elapsed_ms = *elapsed;
    e.start_ms = number_at(r, "start_ms", problem);
    if (const auto bytes = number_at(r, "bytes", problem)) e.bytes = std::uint64_t(*bytes);
    e.status = int_at(r, "status", problem);
    e.exit_status = int_at(r, "exit_status", problem);
    if (!problem.empty()) return std::nullopt;
    e.error = shortened(string_at(r, "error"));
    e.signal = shortened(string_at(r, "signal"), 40);
    if (e.ssh) {
        e.host = shortened(r["host"].get<std::string>(), 100);
        e.target = e.host;
        if (const auto user = string_at(r, "user"); !user.empty())
            e.target = shortened(user, 100) + "@" + e.target;
        if (const auto port = int_at(r, "port", problem); port && *port != 22)
            e.target += ":" + std::to_string(*port);
        problem.clear();
    } else {
        const auto url = r["url"].get<std::string>();
        e.target = shortened(url);
        e.host = host_of_url(url);
    }
    const bool command_failed = e.ssh && r.contains("exit_status") &&
                                ((e.exit_status && *e.exit_status != 0) || !e.signal.empty());
    if (e.error == "cancelled")
        e.result = record_outcome::cancelled;
    else if (!e.error.empty() || command_failed)
        e.result = record_outcome::failed;
    return e;
}

report_builder::report_builder(report_limits limits) {
    data_.limits = limits;
}

void report_builder::add(report_entry e) {
    auto& d = data_;
    ++d.total;
    d.bytes += e.bytes;
    const bool failed = e.result != record_outcome::ok;
    (e.result == record_outcome::ok       ? d.ok
     : e.result == record_outcome::failed ? d.failed
                                          : d.cancelled)++;
    // A cancelled target, or one rejected before it ran (elapsed 0), has no latency.
    const bool timed =
        e.result == record_outcome::ok || (e.result == record_outcome::failed && e.elapsed_ms > 0);
    if (timed) d.latency.add(e.elapsed_ms);
    if (e.status) d.statuses.add(std::to_string(*e.status));
    if (!e.error.empty()) d.phases.add(error_phase(e.error));
    if (e.ssh) {
        ++d.ssh_records;
        if (e.exit_status) d.exit_statuses.add("exit " + std::to_string(*e.exit_status));
        if (!e.signal.empty()) d.exit_statuses.add("signal " + e.signal);
    }
    if (e.result == record_outcome::failed) {
        if (d.failures.size() < d.limits.failures)
            d.failures.push_back(e);
        else
            ++d.more_failures;
    }
    if (e.start_ms) {
        const double end = *e.start_ms + e.elapsed_ms;
        d.first_start_ms = std::min(d.first_start_ms.value_or(*e.start_ms), *e.start_ms);
        d.last_end_ms = std::max(d.last_end_ms.value_or(end), end);
        add_to_timeline(e);
    }
    auto it = d.hosts.find(e.host);
    if (it == d.hosts.end() && d.hosts.size() < d.limits.hosts)
        it = d.hosts.emplace(e.host, host_row{}).first;
    auto& row = it == d.hosts.end() ? d.other_hosts : it->second;
    ++row.count;
    row.failures += failed ? 1 : 0;
    if (timed) row.latency.add(e.elapsed_ms);
    // The slowest N: a min-heap on elapsed, its root the first to go.
    const auto slower = [](const report_entry& a, const report_entry& b) {
        return a.elapsed_ms > b.elapsed_ms;
    };
    if (d.limits.slowest == 0) return;
    if (d.slowest.size() < d.limits.slowest) {
        d.slowest.push_back(std::move(e));
        std::push_heap(d.slowest.begin(), d.slowest.end(), slower);
    } else if (e.elapsed_ms > d.slowest.front().elapsed_ms) {
        std::pop_heap(d.slowest.begin(), d.slowest.end(), slower);
        d.slowest.back() = std::move(e);
        std::push_heap(d.slowest.begin(), d.slowest.end(), slower);
    }
}

// Every stride-th record is kept; past the limit, every other kept one goes
// and the stride doubles, so the bars stay an even sample of the run.
void report_builder::add_to_timeline(const report_entry& e) {
    auto& d = data_;
    if (with_start_++ % d.timeline_stride != 0) return;
    d.timeline.push_back({*e.start_ms, e.elapsed_ms, e.result});
    if (d.timeline.size() <= d.limits.timeline_bars) return;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < d.timeline.size(); i += 2)
        d.timeline[kept++] = d.timeline[i];
    d.timeline.resize(kept);
    d.timeline_stride *= 2;
}

report_data report_builder::finish() && {
    std::sort(data_.slowest.begin(), data_.slowest.end(),
              [](const auto& a, const auto& b) { return a.elapsed_ms > b.elapsed_ms; });
    std::sort(data_.timeline.begin(), data_.timeline.end(),
              [](const auto& a, const auto& b) { return a.start_ms < b.start_ms; });
    return std::move(data_);
}

} // namespace asyncfetch::report
