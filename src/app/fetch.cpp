#include "asyncfetch/app/fetch.hpp"

#include "asyncfetch/core/runner.hpp"
#include "asyncfetch/http/url.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace asio = boost::asio;
using seconds_d = std::chrono::duration<double>;

namespace asyncfetch::app {
namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The JSON line for one URL: {"url","final_url","status","bytes","elapsed_ms","attempts","error"}.
record make_record(const std::string& url, const http::fetch_result* res, const std::string& error, outcome result,
                   double elapsed_ms) {
    record r;
    r.result = result;
    r.error = error;
    r.elapsed_ms = elapsed_ms;
    r.bytes = res ? res->bytes : 0;
    auto& f = r.fields;
    f["url"] = url;
    f["final_url"] = res ? nlohmann::ordered_json(res->final_url) : nlohmann::ordered_json(nullptr);
    f["status"] = res && res->status ? nlohmann::ordered_json(res->status) : nlohmann::ordered_json(nullptr);
    f["bytes"] = r.bytes;
    f["elapsed_ms"] = std::round(elapsed_ms * 1000) / 1000;
    f["attempts"] = res ? res->attempts : 0;
    f["error"] = error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(error);
    return r;
}

// One pass over the targets with a fresh client (no warm connections carried
// from an earlier pass, so --compare compares like with like).
asio::awaitable<seconds_d> run_pass(const fetch_config& config, const std::vector<target>& targets,
                                    std::size_t concurrency, report::output* out, report::output& console) {
    auto ex = co_await asio::this_coro::executor;
    http::client client(ex, config.client);
    const operation fetch_one = [&client](const target& t) -> asio::awaitable<record> {
        const auto start = std::chrono::steady_clock::now();
        auto res = co_await client.fetch(t.text);
        co_return make_record(t.text, &res, res.error, res.ec ? outcome::failed : outcome::ok, ms_since(start));
    };
    record_sink sink;
    if (console.console()) sink.started = [&](const target& t) { console.say("GET: " + t.text); };
    sink.finished = [&](const target& t, record&& r) {
        // Records the operation did not make (cancelled, or an exception) get their fields here.
        if (r.fields.empty()) r = make_record(t.text, nullptr, r.error, r.result, r.elapsed_ms);
        if (console.console()) {
            console.say(r.result == outcome::ok ? std::to_string(r.bytes) + " bytes received from " + t.text
                                                : "error from " + t.text + ": " + r.error);
        }
        if (out) out->write_record(r);
    };
    const auto start = std::chrono::steady_clock::now();
    co_await run_job(targets, fetch_one, run_options{concurrency}, sink);
    co_return std::chrono::steady_clock::now() - start;
}

} // namespace

std::optional<std::string> url_line_problem(std::string_view text) {
    auto parsed = http::parse_url(text);
    if (parsed.url) return std::nullopt;
    return "invalid URL '" + std::string(text) + "': " + parsed.problem;
}

int run_fetch(const fetch_config& config) {
    auto input = read_targets_file(config.input, url_line_problem);
    const bool unreadable = !input.problems.empty() && input.problems.front().line == 0;
    if (unreadable || (!input.problems.empty() && !config.keep_going)) {
        std::cerr << format_problems(config.input, input.problems);
        if (!unreadable) std::cerr << "asyncfetch: nothing fetched; fix the lines above or use --keep-going\n";
        return exit_usage;
    }
    return run_fetch_targets(config, input.targets, input.problems);
}

int run_fetch_targets(const fetch_config& config, const std::vector<target>& targets,
                      const std::vector<input_problem>& problems) {
    report::output out(config.output);
    out.set_total(targets.size() + problems.size());
    for (const auto& p : problems) {
        out.write_record(make_record(p.text, nullptr, "line " + std::to_string(p.line) + ": " + p.message,
                                     outcome::failed, 0));
    }

    asio::io_context ctx(1);
    asio::signal_set signals(ctx, SIGINT, SIGTERM);
    bool interrupted = false;
    bool recording_started = false; // the pass that writes records has begun
    std::exception_ptr failure;
    const std::size_t concurrency = config.serial ? 1 : std::max<std::size_t>(1, config.concurrency);

    auto run_passes = [&]() -> asio::awaitable<void> {
        if (config.compare) {
            report::output quiet({"none", config.output.console, false});
            const auto serial = co_await run_pass(config, targets, 1, nullptr, quiet);
            if (interrupted) co_return;
            recording_started = true;
            const auto concurrent = co_await run_pass(config, targets, concurrency, &out, out);
            if (interrupted) co_return;
            out.finish();
            std::fprintf(stderr, "serial cost %.3f s\nconcurrent cost %.3f s (-c %zu)\nspeedup %.1f x\n",
                         serial.count(), concurrent.count(), concurrency,
                         concurrent.count() > 0 ? serial.count() / concurrent.count() : 0.0);
            std::fprintf(stderr, "%s\n", out.totals().format(concurrent).c_str());
        } else {
            recording_started = true;
            const auto wall = co_await run_pass(config, targets, concurrency, &out, out);
            if (interrupted) co_return;
            out.finish();
            std::fprintf(stderr, "%s\n", out.totals().format(wall).c_str());
        }
    };
    // `||` below waits for the first branch to succeed, so this one must not
    // throw: its exception is carried out and rethrown after the loop.
    auto passes = [&]() -> asio::awaitable<void> {
        try {
            co_await run_passes();
        } catch (...) {
            failure = std::current_exception();
        }
    };
    auto until_signal = [&]() -> asio::awaitable<void> {
        co_await signals.async_wait(asio::use_awaitable);
        interrupted = true;
    };
    using namespace asio::experimental::awaitable_operators;
    asio::co_spawn(ctx, passes() || until_signal(), [&](std::exception_ptr e, auto) {
        if (e) failure = e;
    });
    const auto started = std::chrono::steady_clock::now();
    ctx.run();
    if (failure) std::rethrow_exception(failure);

    if (interrupted) {
        // The run was cancelled mid-way: every target still gets its record.
        if (!recording_started) {
            for (const auto& t : targets) out.write_record(make_record(t.text, nullptr, "cancelled", outcome::cancelled, 0));
        }
        out.finish();
        std::fprintf(stderr, "interrupted: %s\n", out.totals().format(std::chrono::steady_clock::now() - started).c_str());
        return exit_interrupted;
    }
    return out.totals().failed() + out.totals().cancelled() > 0 ? exit_failures : exit_ok;
}

} // namespace asyncfetch::app
