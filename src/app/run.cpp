#include "asyncfetch/app/run.hpp"

#include "asyncfetch/core/event_loop.hpp"
#include "asyncfetch/core/open_files.hpp"
#include "asyncfetch/launcher/pool.hpp"
#include "asyncfetch/report/limits.hpp"
#include "asyncfetch/report/progress.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <tuple>
#include <unordered_set>

namespace asio = boost::asio;
using seconds_d = std::chrono::duration<double>;

namespace asyncfetch::app {
namespace {

// One pass over the targets with a fresh operation: in this process, or
// (processes > 1) in that many worker processes, `concurrency` in each.
asio::awaitable<seconds_d> run_pass(const job_kind& kind, target_input& targets,
                                    std::size_t concurrency, std::size_t processes, bool ordered,
                                    report::output* records, report::output& console,
                                    const run_settings& settings) {
    const auto ex = co_await asio::this_coro::executor;
    operation op;
    std::shared_ptr<void> keep_alive; // owns what `op` uses, the worker pool included
    launcher::worker_pool* pool = nullptr;
    // A driven pass (a crawl) makes its own operations, in this process: it
    // shares one frontier.
    if (processes > 1 && !kind.drive) {
        auto owned = std::make_shared<launcher::worker_pool>(ex, kind, processes, concurrency);
        pool = owned.get();
        op = [pool](const target& t) { return pool->run(t); };
        keep_alive = std::move(owned);
        concurrency *= processes;
    } else if (!kind.drive) {
        std::tie(op, keep_alive) = kind.make_operation(ex);
    }
    // --ordered: finished early, by target index.
    std::map<std::size_t, std::pair<target, record>> held;
    std::size_t next = 0; // the index whose record goes out next
    const auto start = std::chrono::steady_clock::now();
    record_sink sink;
    std::unordered_set<std::size_t> running; // started, not finished: by target index
    sink.started = [&](const target& t) {
        running.insert(t.index);
        if (records) records->note_started();
        if (console.console() && kind.started_line) console.say(kind.started_line(t));
    };
    sink.finished = [&](const target& t, record&& r) {
        if (running.erase(t.index) && records) records->note_ended();
        // Records the operation did not make (cancelled, or an exception) get their fields here.
        if (r.fields.empty()) {
            const auto elapsed = r.elapsed_ms;
            r = kind.error_record(t.text, r.error, r.result);
            r.elapsed_ms = elapsed;
        }
        // When it began, in ms from the pass's start (for the report's timeline).
        const std::chrono::duration<double, std::milli> since =
            std::chrono::steady_clock::now() - start;
        r.fields["start_ms"] =
            std::round(std::max(0.0, since.count() - r.elapsed_ms) * 1000) / 1000;
        if (console.console() && kind.finished_line) console.say(kind.finished_line(t, r));
        if (!records) return;
        auto write = [&](const target& of, const record& rec) {
            if (kind.observe) kind.observe(of, rec);
            records->write_record(rec);
        };
        if (!ordered) return write(t, r);
        // --ordered: a record waits until every earlier target's record is out.
        held.emplace(t.index, std::make_pair(t, std::move(r)));
        for (auto it = held.find(next); it != held.end(); it = held.find(++next)) {
            write(it->second.first, it->second.second);
            held.erase(it);
        }
    };
    const run_options limits{concurrency, settings.max_failures, settings.on_failure};
    auto pass = [&]() -> asio::awaitable<void> {
        if (kind.drive)
            co_await kind.drive(targets.held(), concurrency, sink);
        else
            co_await run_job(targets.pass(), op, limits, sink);
    };
    if (records && records->progress()) {
        // The progress line is redrawn on a timer beside the pass, until it
        // ends; a failure is rethrown once the timer stopped (`||` would
        // otherwise wait on the timer forever).
        records->start_progress();
        std::exception_ptr failure;
        auto guarded = [&]() -> asio::awaitable<void> {
            try {
                co_await pass();
            } catch (...) {
                failure = std::current_exception();
            }
        };
        using namespace asio::experimental::awaitable_operators;
        co_await (guarded() || report::keep_progress_drawn(*records));
        if (failure) std::rethrow_exception(failure);
    } else {
        co_await pass();
    }
    const seconds_d wall = std::chrono::steady_clock::now() - start;
    if (pool && records) console.say(pool->report());
    keep_alive.reset(); // workers stop here
    co_return wall;
}

// Input lines rejected under --keep-going: an error record each.
void write_problem_records(const job_kind& kind, const std::vector<input_problem>& problems,
                           report::output& out) {
    for (const auto& p : problems) {
        out.write_record(kind.error_record(
            p.text, "line " + std::to_string(p.line) + ": " + p.message, outcome::failed));
    }
}

} // namespace

asio::awaitable<double> run_recorded(const run_settings& settings, const job_kind& kind,
                                     const std::vector<target>& targets,
                                     const std::vector<input_problem>& problems,
                                     report::output& out) {
    write_problem_records(kind, problems, out);
    target_input input(targets);
    const auto wall = co_await run_pass(
        kind, input, concurrency_that_fits(std::max<std::size_t>(1, settings.concurrency)),
        std::max<std::size_t>(1, settings.processes), settings.ordered, &out, out, settings);
    out.finish();
    co_return wall.count();
}

bool read_input(const std::string& path, const target_validator& validate, bool keep_going,
                input_file& out) {
    out = read_targets_file(path, validate);
    return input_is_usable(path, out.problems, keep_going);
}

int run_targets(const run_settings& settings, const job_kind& kind,
                const std::vector<target>& targets, const std::vector<input_problem>& problems) {
    target_input input(targets, problems);
    return run_targets(settings, kind, input);
}

int run_targets(const run_settings& settings, const job_kind& kind, target_input& targets) {
    // Standard input is read once: --compare's passes need it held.
    if (settings.compare && targets.from_stdin()) {
        std::fprintf(stderr, "asyncfetch: --compare reads standard input once and holds it in "
                             "memory for its passes (a file is read again for each)\n");
        if (!targets.hold_stdin()) return exit_usage;
    }
    report::output out(settings.output);
    out.set_total(kind.drive ? 0 : targets.count() + targets.problems().size());
    write_problem_records(kind, targets.problems(), out);
    targets.on_streamed_problem = [&](const input_problem& p) {
        write_problem_records(kind, {p}, out);
    };

    bool recording_started = false; // the pass that writes records has begun
    const std::size_t processes = std::max<std::size_t>(1, settings.processes);
    // Each connection in flight holds a descriptor: run at what fits, and say so.
    report::limits_in_force limits;
    limits.concurrency = std::max<std::size_t>(1, settings.concurrency);
    limits.ran_at = concurrency_that_fits(limits.concurrency);
    limits.processes = processes;
    if (limits.ran_at < limits.concurrency) {
        limits.open_files = raise_open_files_limit();
        std::fprintf(stderr,
                     "asyncfetch: -c %zu lowered to %zu to fit the open-files limit (ulimit -n "
                     "%zu)\n",
                     limits.concurrency, limits.ran_at, limits.open_files);
    }
    if (kind.queue_limit) limits.queue_limit = kind.queue_limit(processes);
    limits.queue_lift = kind.queue_lift;
    const std::size_t concurrency = limits.ran_at;
    const auto started = std::chrono::steady_clock::now();

    auto run_passes = [&](const bool& interrupted) -> asio::awaitable<void> {
        seconds_d serial{}, one_process{};
        if (settings.compare) {
            report::output quiet({"none", settings.output.console, false});
            serial = co_await run_pass(kind, targets, 1, 1, false, nullptr, quiet, settings);
            if (interrupted) co_return;
            if (processes > 1) {
                one_process = co_await run_pass(kind, targets, concurrency, 1, false, nullptr,
                                                quiet, settings);
                if (interrupted) co_return;
            }
        }
        recording_started = true;
        const auto wall = co_await run_pass(kind, targets, concurrency, processes, settings.ordered,
                                            &out, out, settings);
        if (interrupted) co_return;
        out.finish();
        if (settings.compare) {
            const auto speedup = [](seconds_d a, seconds_d b) {
                return b.count() > 0 ? a.count() / b.count() : 0.0;
            };
            // The limits that applied, as run (not as asked).
            auto one = limits;
            one.processes = 1;
            if (kind.queue_limit) one.queue_limit = kind.queue_limit(1);
            const auto one_text = report::describe_limits(one);
            if (processes > 1) {
                std::fprintf(stderr,
                             "serial cost %.3f s\nconcurrent cost %.3f s (%s, 1 process)\n"
                             "%zu processes cost %.3f s (-j %zu, each %s)\nspeedup %.1f x over "
                             "serial, %.2f x over 1 process\n",
                             serial.count(), one_process.count(), one_text.c_str(), processes,
                             wall.count(), processes, report::describe_limits(limits).c_str(),
                             speedup(serial, wall), speedup(one_process, wall));
            } else {
                std::fprintf(stderr,
                             "serial cost %.3f s\nconcurrent cost %.3f s (%s)\nspeedup %.1f x\n",
                             serial.count(), wall.count(), one_text.c_str(), speedup(serial, wall));
            }
        }
        std::fprintf(stderr, "%s\n", out.totals().format(wall, kind.bytes_verb).c_str());
        if (const auto line = report::limits_line(out.totals(), limits); !line.empty())
            std::fprintf(stderr, "%s\n", line.c_str());
        if (kind.epilogue) std::fputs(kind.epilogue().c_str(), stderr);
    };
    if (run_until_signal(run_passes)) {
        // The run was cancelled mid-way: every target still gets its record.
        if (!recording_started) {
            auto rest = targets.pass();
            while (auto t = rest.read_rest_when_cancelled ? rest.next() : std::nullopt)
                out.write_record(kind.error_record(t->text, "cancelled", outcome::cancelled));
        }
        if (!out.finish()) std::fprintf(stderr, "asyncfetch: %s\n", out.write_error().c_str());
        std::fprintf(stderr, "interrupted: %s\n",
                     out.totals()
                         .format(std::chrono::steady_clock::now() - started, kind.bytes_verb)
                         .c_str());
        return exit_interrupted;
    }
    // A bad line of standard input stopped the run: a usage error, as for a file.
    if (!targets.stopped_by().empty()) {
        out.finish();
        std::cerr << format_problems(targets.path(), targets.stopped_by());
        std::fprintf(stderr, "asyncfetch: the run stopped at the line above (the targets before "
                             "it have their records); fix it or use --keep-going\n");
        return exit_usage;
    }
    // A record that could not be written fails the run, whatever the targets did.
    if (!out.finish()) {
        std::fprintf(stderr, "asyncfetch: %s\n", out.write_error().c_str());
        return exit_failures;
    }
    if (const auto late = kind.late_failure ? kind.late_failure() : std::string(); !late.empty()) {
        std::fprintf(stderr, "asyncfetch: %s\n", late.c_str());
        return exit_failures;
    }
    return out.totals().failed() + out.totals().cancelled() > 0 ? exit_failures : exit_ok;
}

} // namespace asyncfetch::app
