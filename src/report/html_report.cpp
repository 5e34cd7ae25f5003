#include "asyncfetch/report/html_report.hpp"

#include "asyncfetch/report/charts.hpp"

#include <cstdio>

namespace asyncfetch::report {

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

const char* style = R"(<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1240px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.sub{color:#666;margin-bottom:16px}.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:20px}.card span{color:#666;font-size:12px}
.ok{color:#2a7d2a}.failed{color:#b3261e}.cancelled{color:#8a6d00}
table{border-collapse:collapse;margin:4px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.t{max-width:640px;word-break:break-all}.bar{background:#4a78b5;height:10px;display:inline-block}
.note{color:#666;font-size:12px}.row{display:flex;flex-wrap:wrap;gap:32px}
svg text{font:11px system-ui,sans-serif;fill:#444}
</style>)";

std::string number(double v, const char* format = "%.1f") {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string card(const std::string& value, const char* label, const char* cls = "") {
    return std::string("<div class=\"card\"><b class=\"") + cls + "\">" + value + "</b><span>" +
           label + "</span></div>";
}

std::string outcome_class(record_outcome r) {
    return r == record_outcome::ok ? "ok" : r == record_outcome::failed ? "failed" : "cancelled";
}

std::string summary(const report_data& d) {
    std::string s = "<h2>Summary</h2><div class=\"cards\">";
    s += card(std::to_string(d.total), "targets");
    s += card(std::to_string(d.ok), "ok", "ok");
    s += card(std::to_string(d.failed), "failed", "failed");
    s += card(std::to_string(d.cancelled), "cancelled", "cancelled");
    s += card(format_bytes(d.bytes), "bytes");
    if (d.first_start_ms && d.last_end_ms)
        s += card(format_ms(*d.last_end_ms - *d.first_start_ms), "wall span");
    s += card(format_ms(d.latency.percentile(0.5)), "p50 latency");
    s += card(format_ms(d.latency.percentile(0.9)), "p90 latency");
    s += card(format_ms(d.latency.percentile(0.99)), "p99 latency");
    s += card(format_ms(d.latency.max()), "slowest");
    s += "</div>";
    if (d.skipped_lines > 0)
        s += "<p class=\"failed\">" + std::to_string(d.skipped_lines) +
             " malformed line(s) skipped (--keep-going).</p>";
    return s;
}

// Counts with a bar each, largest first.
std::string count_table(const capped_counts& c, const char* key_heading) {
    std::vector<std::pair<std::string, std::uint64_t>> rows(c.counts().begin(), c.counts().end());
    if (c.others() > 0) rows.emplace_back("(others)", c.others());
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::uint64_t top = 1;
    for (const auto& r : rows)
        top = std::max(top, r.second);
    std::string s = std::string("<table><tr><th>") + key_heading +
                    "</th><th class=\"n\">count</th><th></th></tr>";
    for (const auto& [key, n] : rows) {
        s += "<tr><td>" + html_escape(key) + "</td><td class=\"n\">" + std::to_string(n) +
             "</td><td><span class=\"bar\" style=\"width:" + number(200.0 * n / top, "%.0f") +
             "px\"></span></td></tr>";
    }
    if (rows.empty()) s += "<tr><td colspan=\"3\" class=\"note\">none</td></tr>";
    return s + "</table>";
}

std::string slowest_table(const report_data& d) {
    std::string s = "<h2>Slowest targets</h2><table><tr><th class=\"n\">#</th><th>target</th>"
                    "<th class=\"n\">elapsed</th><th>status</th><th>error</th></tr>";
    std::size_t rank = 0;
    for (const auto& e : d.slowest) {
        std::string status = e.status        ? std::to_string(*e.status)
                             : e.exit_status ? "exit " + std::to_string(*e.exit_status)
                                             : "";
        s += "<tr><td class=\"n\">" + std::to_string(++rank) + "</td><td class=\"t\">" +
             html_escape(e.target) + "</td><td class=\"n\">" + format_ms(e.elapsed_ms) +
             "</td><td class=\"" + outcome_class(e.result) + "\">" + html_escape(status) +
             "</td><td class=\"t\">" + html_escape(e.error) + "</td></tr>";
    }
    return s + "</table>";
}

std::string host_line(const std::string& name, const host_row& h) {
    // No latency (every target cancelled or rejected before it ran): a dash, not "0 us".
    const auto at = [&h](double q) {
        return h.latency.count() ? format_ms(h.latency.percentile(q)) : std::string("-");
    };
    return "<tr><td class=\"t\">" + name + "</td><td class=\"n\">" + std::to_string(h.count) +
           "</td><td class=\"n" + (h.failures ? " failed" : "") + "\">" +
           std::to_string(h.failures) + "</td><td class=\"n\">" + at(0.5) +
           "</td><td class=\"n\">" + at(0.9) + "</td></tr>";
}

std::string host_table(const report_data& d) {
    std::vector<const std::pair<const std::string, host_row>*> rows;
    for (const auto& h : d.hosts)
        rows.push_back(&h);
    std::stable_sort(rows.begin(), rows.end(),
                     [](auto a, auto b) { return a->second.count > b->second.count; });
    std::string s = "<h2>Hosts</h2><table><tr><th>host</th><th class=\"n\">targets</th>"
                    "<th class=\"n\">failures</th><th class=\"n\">p50</th><th "
                    "class=\"n\">p90</th></tr>";
    for (const auto* h : rows)
        s += host_line(html_escape(h->first), h->second);
    if (d.other_hosts.count > 0) s += host_line("<i>(others)</i>", d.other_hosts);
    s += "</table>";
    if (d.other_hosts.count > 0)
        s += "<p class=\"note\">The first " + std::to_string(d.limits.hosts) +
             " hosts seen have a row each; the rest are counted under (others).</p>";
    return s;
}

std::string failures_table(const report_data& d) {
    const bool all_ssh = d.ssh_records == d.total;
    std::string s = std::string("<h2>Failed ") + (all_ssh ? "hosts" : "targets") +
                    "</h2><table><tr><th>target</th><th>status</th><th>error</th></tr>";
    for (const auto& e : d.failures) {
        const std::string status = !e.signal.empty() ? "signal " + e.signal
                                   : e.exit_status   ? "exit " + std::to_string(*e.exit_status)
                                   : e.status        ? std::to_string(*e.status)
                                                     : "";
        s += "<tr><td class=\"t\">" + html_escape(e.target) + "</td><td class=\"failed\">" +
             html_escape(status) + "</td><td class=\"t\">" + html_escape(e.error) + "</td></tr>";
    }
    if (d.failures.empty()) s += "<tr><td colspan=\"3\" class=\"note\">none</td></tr>";
    s += "</table>";
    if (d.more_failures > 0)
        s += "<p class=\"note\">and " + std::to_string(d.more_failures) + " more (the first " +
             std::to_string(d.failures.size()) + " are listed)</p>";
    return s;
}

} // namespace

std::string render_html(const report_data& d, std::string_view source) {
    std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width\">"
                    "<title>asyncfetch report: " +
                    html_escape(source) + "</title>" + style + "</head><body>";
    s += "<h1>asyncfetch report</h1><div class=\"sub\">" + html_escape(source) + ": " +
         std::to_string(d.total) + " records</div>";
    s += summary(d);
    s += "<h2>Latency</h2><div class=\"row\"><div>" + histogram_svg(d.latency) + "</div><div>" +
         cdf_svg(d.latency) + "</div></div>";
    s += "<div class=\"row\">";
    if (d.ssh_records < d.total) // SSH records have no HTTP status
        s += "<div><h2>HTTP status</h2>" + count_table(d.statuses, "status") + "</div>";
    s += "<div><h2>Errors by phase</h2>" + count_table(d.phases, "phase") + "</div></div>";
    s += slowest_table(d);
    s += host_table(d);
    s += "<h2>Timeline</h2>" + timeline_svg(d);
    if (d.ssh_records > 0)
        s += "<h2>SSH: exit statuses</h2>" + count_table(d.exit_statuses, "exit");
    s += failures_table(d);
    s += "<p class=\"note\">Written by asyncfetch report. A --compare run records only its "
         "concurrent pass, so the serial pass is not shown here.</p></body></html>\n";
    return s;
}

} // namespace asyncfetch::report
