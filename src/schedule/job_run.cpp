#include "asyncfetch/schedule/job_run.hpp"

#include "asyncfetch/core/error_message.hpp"
#include "asyncfetch/report/output.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <stdexcept>

namespace asio = boost::asio;
namespace fs = std::filesystem;
using sys_clock = std::chrono::system_clock;
using record_json = nlohmann::ordered_json;

namespace asyncfetch::schedule {

std::string expand_output(const std::string& pattern, const std::string& job,
                          sys_clock::time_point start, unsigned run) {
    const std::time_t t = sys_clock::to_time_t(start);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    std::string out = pattern;
    for (auto [word, value] : {std::pair<std::string, std::string>{"{job}", job},
                               {"{time}", stamp},
                               {"{run}", std::to_string(run)}})
        for (auto at = out.find(word); at != std::string::npos;
             at = out.find(word, at + value.size()))
            out.replace(at, word.size(), value);
    return out;
}

std::string utc_stamp(sys_clock::time_point t) {
    return format_time(std::chrono::floor<std::chrono::seconds>(t), time_zone::utc);
}

namespace {

asio::awaitable<void> run_to_file(const run_context& ctx, const job_spec& spec, unsigned number,
                                  sys_clock::time_point started, record_json& line) {
    auto targets = read_job_targets(ctx.cfg, spec);
    const auto& problems = targets.input.problems;
    if (!problems.empty() && (!spec.keep_going || problems.front().line == 0)) {
        auto text = format_problems(targets.source, problems);
        text.pop_back();
        throw std::runtime_error(text);
    }
    const fs::path final_path = expand_output(spec.output, spec.name, started, number);
    if (final_path.has_parent_path()) fs::create_directories(final_path.parent_path());
    ctx.say("job " + spec.name + " run " + std::to_string(number) + ": started (" +
            std::to_string(targets.input.targets.size() + problems.size()) + " targets)");
    bool cancelled = false;
    report::summary totals;
    {
        // Records go to a temp file beside the output, renamed over it
        // only when complete and on disk: a failed run keeps the old one.
        report::output out({final_path.string(), false, false, true});
        out.watch(ctx.watch);
        const auto kind = make_job_kind(spec);
        std::exception_ptr failure;
        auto work = [&]() -> asio::awaitable<void> {
            try {
                co_await app::run_recorded(spec.run, kind, targets.input.targets, problems, out);
            } catch (...) {
                failure = std::current_exception();
            }
        };
        auto stop = [&]() -> asio::awaitable<void> {
            co_await ctx.stop.wait(); // when the run ends first, `||` cancels this wait
        };
        using namespace asio::experimental::awaitable_operators;
        co_await (work() || stop());
        cancelled = ctx.cancelled;
        if (failure) std::rethrow_exception(failure); // `out` removes its temp file
        if (!out.finish()) {
            ctx.write_failed = true;
            throw std::runtime_error(out.write_error());
        }
        totals = out.totals();
    }
    line["status"] = cancelled ? "cancelled" : totals.failed() > 0 ? "failed" : "ok";
    line["targets"] = totals.total();
    line["ok"] = totals.ok();
    line["failed"] = totals.failed();
    line["cancelled"] = totals.cancelled();
    line["output"] = final_path.string();
}

} // namespace

asio::awaitable<record_json> run_job(const run_context& ctx, const job_spec& spec,
                                     unsigned number) {
    const auto started = sys_clock::now();
    record_json line;
    line["job"] = spec.name;
    line["run"] = number;
    line["start"] = utc_stamp(started);
    try {
        co_await run_to_file(ctx, spec, number, started, line);
    } catch (const std::exception& e) {
        line["status"] = "error";
        line["error"] = error_message(e);
    }
    line["end"] = utc_stamp(sys_clock::now());
    line["elapsed_s"] =
        std::round(std::chrono::duration<double>(sys_clock::now() - started).count() * 1000) / 1000;
    co_return line;
}

// A run-log line as a person reads it.
std::string run_summary(const record_json& line) {
    const auto status = line["status"].get<std::string>();
    if (status == "error") return "error: " + line["error"].get<std::string>();
    char text[160];
    std::snprintf(text, sizeof text, "%s: %d targets, %d ok, %d failed, %d cancelled in %.3f s -> ",
                  status.c_str(), line["targets"].get<int>(), line["ok"].get<int>(),
                  line["failed"].get<int>(), line["cancelled"].get<int>(),
                  line["elapsed_s"].get<double>());
    return text + line["output"].get<std::string>();
}

} // namespace asyncfetch::schedule
