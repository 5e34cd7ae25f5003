#include "asyncfetch/report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace asyncfetch::report {

namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

const char* colour(record_outcome r) {
    return r == record_outcome::ok       ? "#4a78b5"
           : r == record_outcome::failed ? "#b3261e"
                                         : "#c9a227";
}

// Chart frame: the plot area inside margins for the axis labels.
struct frame {
    double width = 560, height = 260, left = 56, right = 12, top = 12, bottom = 34;
    double plot_w() const { return width - left - right; }
    double plot_h() const { return height - top - bottom; }
    std::string open(const char* label) const {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" +
               num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
               "\" role=\"img\" aria-label=\"" + label + "\">" + "<rect x=\"" + num(left) +
               "\" y=\"" + num(top) + "\" width=\"" + num(plot_w()) + "\" height=\"" +
               num(plot_h()) + "\" fill=\"#fafafa\" stroke=\"#ccc\"/>";
    }
    std::string text(double x, double y, const std::string& t, const char* anchor) const {
        return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\">" +
               t + "</text>";
    }
};

// A log-scale latency axis over what was seen.
struct log_axis {
    double lo, hi;
    explicit log_axis(const latency_histogram& h) {
        lo = std::log10(std::max(h.min(), latency_histogram::lowest_ms));
        hi = std::log10(std::max(h.max(), latency_histogram::lowest_ms));
        if (hi - lo < 0.1) { // one value, or nearly: widen around it
            lo -= 0.05;
            hi += 0.05;
        }
    }
    double at(double ms) const {
        const auto l = std::log10(std::max(ms, latency_histogram::lowest_ms));
        return std::clamp((l - lo) / (hi - lo), 0.0, 1.0);
    }
    std::string ticks(const frame& f) const {
        std::string s;
        for (int i = 0; i <= 4; ++i) {
            const double x = f.left + f.plot_w() * i / 4;
            s += f.text(x, f.height - f.bottom + 16,
                        format_ms(std::pow(10.0, lo + (hi - lo) * i / 4)),
                        i == 0   ? "start"
                        : i == 4 ? "end"
                                 : "middle");
        }
        return s;
    }
};

// Where a bucket's samples sit: its upper edge, within what was seen.
double bucket_value(const latency_histogram& h, std::size_t i) {
    return std::clamp(latency_histogram::upper_edge(i), h.min(), h.max());
}

std::string empty_chart(const frame& f, const char* label) {
    return f.open(label) + f.text(f.width / 2, f.height / 2, "no latencies recorded", "middle") +
           "</svg>";
}

} // namespace

std::string format_ms(double ms) {
    char buf[32];
    if (ms < 1)
        std::snprintf(buf, sizeof buf, "%.0f us", ms * 1000);
    else if (ms < 100)
        std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    else if (ms < 10000)
        std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    else
        std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000);
    return buf;
}

std::string format_bytes(std::uint64_t n) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

std::string histogram_svg(const latency_histogram& h) {
    const frame f;
    if (h.count() == 0) return empty_chart(f, "latency histogram");
    const log_axis axis(h);
    constexpr std::size_t bins = 40;
    std::vector<std::uint64_t> counts(bins, 0);
    for (std::size_t i = 0; i < h.counts().size(); ++i) {
        if (h.counts()[i] == 0) continue;
        const auto bin = std::min<std::size_t>(bins - 1, axis.at(bucket_value(h, i)) * bins);
        counts[bin] += h.counts()[i];
    }
    const double top = static_cast<double>(*std::max_element(counts.begin(), counts.end()));
    std::string s = f.open("latency histogram");
    const double w = f.plot_w() / bins;
    for (std::size_t b = 0; b < bins; ++b) {
        if (counts[b] == 0) continue;
        const double bh = std::max(1.0, f.plot_h() * counts[b] / top);
        const auto from = std::pow(10.0, axis.lo + (axis.hi - axis.lo) * b / bins);
        const auto to = std::pow(10.0, axis.lo + (axis.hi - axis.lo) * (b + 1) / bins);
        s += "<rect x=\"" + num(f.left + w * b + 0.5) + "\" y=\"" + num(f.top + f.plot_h() - bh) +
             "\" width=\"" + num(std::max(1.0, w - 1)) + "\" height=\"" + num(bh) +
             "\" fill=\"#4a78b5\"><title>" + format_ms(from) + " to " + format_ms(to) + ": " +
             std::to_string(counts[b]) + "</title></rect>";
    }
    s += axis.ticks(f);
    s += f.text(f.left - 6, f.top + 10, std::to_string(static_cast<std::uint64_t>(top)), "end");
    s += f.text(f.left - 6, f.top + f.plot_h(), "0", "end");
    s += f.text(f.left + f.plot_w() / 2, f.height - 2, "latency (log scale): targets per bin",
                "middle");
    return s + "</svg>";
}

std::string cdf_svg(const latency_histogram& h) {
    const frame f;
    if (h.count() == 0) return empty_chart(f, "latency CDF");
    const log_axis axis(h);
    const auto x = [&](double ms) { return f.left + f.plot_w() * axis.at(ms); };
    const auto y = [&](double share) { return f.top + f.plot_h() * (1 - share); };
    std::string s = f.open("latency CDF");
    for (const double q : {0.5, 0.9, 0.99}) {
        s += "<line x1=\"" + num(f.left) + "\" x2=\"" + num(f.left + f.plot_w()) + "\" y1=\"" +
             num(y(q)) + "\" y2=\"" + num(y(q)) + "\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>";
        s += f.text(f.left + f.plot_w() - 4, y(q) - 3,
                    "p" + std::to_string(int(std::lround(q * 100))), "end");
    }
    // A step line: each bucket's samples are done by its upper edge.
    std::string points = num(x(h.min())) + "," + num(y(0));
    std::uint64_t seen = 0;
    double last_x = x(h.min());
    for (std::size_t i = 0; i < h.counts().size(); ++i) {
        if (h.counts()[i] == 0) continue;
        const double px = x(bucket_value(h, i));
        points += " " + num(px) + "," + num(y(double(seen) / h.count()));
        seen += h.counts()[i];
        points += " " + num(px) + "," + num(y(double(seen) / h.count()));
        last_x = px;
    }
    points += " " + num(std::max(last_x, f.left + f.plot_w())) + "," + num(y(1));
    s +=
        "<polyline fill=\"none\" stroke=\"#4a78b5\" stroke-width=\"2\" points=\"" + points + "\"/>";
    s += axis.ticks(f);
    s += f.text(f.left - 6, y(1) + 4, "100%", "end");
    s += f.text(f.left - 6, y(0), "0%", "end");
    s += f.text(f.left + f.plot_w() / 2, f.height - 2, "latency (log scale): share of targets done",
                "middle");
    return s + "</svg>";
}

std::string timeline_svg(const report_data& d) {
    if (d.timeline.empty() || !d.first_start_ms || !d.last_end_ms)
        return "<p class=\"note\">No record carries start_ms (records from an older asyncfetch, "
               "or from `worker`): no timeline.</p>";
    const auto n = d.timeline.size();
    frame f;
    f.width = 1200;
    const double row = std::clamp(600.0 / n, 0.5, 8.0);
    f.height = f.top + f.bottom + std::max(40.0, row * n);
    const double t0 = *d.first_start_ms;
    const double span = std::max(*d.last_end_ms - t0, 0.001);
    std::string s = f.open("timeline");
    for (std::size_t i = 0; i < n; ++i) {
        const auto& b = d.timeline[i];
        const double x = f.left + f.plot_w() * (b.start_ms - t0) / span;
        const double w = std::max(1.0, f.plot_w() * b.elapsed_ms / span);
        s += "<rect x=\"" + num(x) + "\" y=\"" + num(f.top + row * i) + "\" width=\"" + num(w) +
             "\" height=\"" + num(std::max(row, 1.0)) + "\" fill=\"" + colour(b.result) + "\"/>";
    }
    for (int i = 0; i <= 4; ++i)
        s += f.text(f.left + f.plot_w() * i / 4, f.height - f.bottom + 16, format_ms(span * i / 4),
                    i == 0   ? "start"
                    : i == 4 ? "end"
                             : "middle");
    s += f.text(f.left + f.plot_w() / 2, f.height - 2,
                "time since the first start; one bar per target, by start (blue ok, red failed, "
                "yellow cancelled)",
                "middle");
    s += "</svg>";
    if (d.timeline_stride > 1)
        s += "<p class=\"note\">" + std::to_string(n) + " targets shown: every " +
             std::to_string(d.timeline_stride) + "th of those with a start.</p>";
    return s;
}

} // namespace asyncfetch::report
