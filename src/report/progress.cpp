#include "asyncfetch/report/progress.hpp"

#include "asyncfetch/report/output.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cmath>
#include <cstdio>

namespace asio = boost::asio;

namespace asyncfetch::report {
namespace {

// "42 s", "3 min 05 s", "2 h 10 min": an ETA as people read one.
std::string eta_text(double seconds) {
    const auto s = static_cast<long long>(std::ceil(seconds));
    char buf[48];
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%lld s", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%lld min %02lld s", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld h %02lld min", s / 3600, s % 3600 / 60);
    return buf;
}

} // namespace

std::string format_progress(const progress_figures& f) {
    char buf[160];
    std::string line;
    if (f.total > 0)
        std::snprintf(buf, sizeof buf, "[%zu/%zu] %zu ok, %zu failed", f.done, f.total, f.ok,
                      f.failed);
    else
        std::snprintf(buf, sizeof buf, "[%zu] %zu ok, %zu failed", f.done, f.ok, f.failed);
    line = buf;
    if (f.cancelled > 0) line += ", " + std::to_string(f.cancelled) + " cancelled";
    // Rate and latency mean something once a target finished and time passed.
    const double rate = f.elapsed_s > 0 ? static_cast<double>(f.done) / f.elapsed_s : 0;
    if (f.done > 0 && f.elapsed_s > 0) {
        std::snprintf(buf, sizeof buf, " | %.1f/s | p50 %.0f ms", rate, f.p50_ms);
        line += buf;
    }
    if (f.total > f.done && rate > 0)
        line += " | ETA " + eta_text(static_cast<double>(f.total - f.done) / rate);
    return line;
}

asio::awaitable<void> keep_progress_drawn(output& out) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        out.draw_progress();
        timer.expires_after(progress_interval);
        co_await timer.async_wait(asio::use_awaitable); // a cancel ends the loop here
    }
}

} // namespace asyncfetch::report
