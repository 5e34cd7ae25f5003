// Over 350 lines: the scheduler class is one piece of state (jobs, timers,
// signals, the run log, the service monitor) that does not split without
// passing all of it around.
#include "asyncfetch/schedule/scheduler.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "asyncfetch/core/error_message.hpp"
#include "asyncfetch/core/event.hpp"
#include "asyncfetch/core/text.hpp"
#include "asyncfetch/core/units.hpp"
#include "asyncfetch/schedule/config.hpp"
#include "asyncfetch/schedule/dry_run.hpp"
#include "asyncfetch/schedule/job_run.hpp"
#include "asyncfetch/schedule/listener_setup.hpp"
#include "asyncfetch/schedule/monitor.hpp"
#include "asyncfetch/schedule/plan.hpp"
#include "asyncfetch/schedule/run_log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <random>

namespace asio = boost::asio;
using sys_clock = std::chrono::system_clock;
using json = nlohmann::ordered_json;

namespace asyncfetch::schedule {
namespace {

// One job's place in the schedule.
struct job_state {
    job_spec spec;
    sys_clock::time_point base; // next fire time, before jitter
    sys_clock::time_point due;  // with jitter
    bool running = false, queued = false;
    unsigned runs = 0;
};

class scheduler {
public:
    scheduler(asio::io_context& ctx, const scheduler_options& options)
        : ctx_(ctx), options_(options), wake_(ctx), stop_runs_(ctx.get_executor()),
          idle_(ctx.get_executor()), grace_(ctx), signals_(ctx, SIGINT, SIGTERM, SIGHUP),
          rng_(std::random_device{}()) {}

    // Takes a checked config (at start, or on SIGHUP); false if --job names
    // no job in it.
    bool apply(config c) {
        std::map<std::string, std::shared_ptr<job_state>> next;
        const auto now = sys_clock::now();
        // {run} numbers go on from the run log's (an earlier process's runs).
        const auto last_runs = last_run_numbers(c.run_log);
        for (auto& job : c.jobs) {
            if (!options_.only_job.empty() && job.name != options_.only_job) continue;
            auto old = jobs_.find(job.name);
            auto s = old != jobs_.end() ? old->second : std::make_shared<job_state>();
            if (old == jobs_.end()) {
                if (const auto last = last_runs.find(job.name); last != last_runs.end())
                    s->runs = last->second;
            }
            const bool replan =
                old == jobs_.end() || !same_schedule(s->spec.schedule, job.schedule);
            s->spec = std::move(job);
            if (replan && s->spec.schedule) plan(*s, now, old == jobs_.end());
            next[s->spec.name] = s;
        }
        if (next.empty()) return false;
        if (!log_.is_open() || c.run_log != config_.run_log) {
            if (auto error = log_.open(c.run_log); !error.empty()) throw std::runtime_error(error);
        }
        jobs_ = std::move(next);
        config_ = std::move(c);
        return true;
    }

    bool anything_scheduled() const {
        for (const auto& [name, s] : jobs_)
            if (s->spec.schedule) return true;
        return false;
    }

    // Fires jobs when due until stopped, then lets running jobs finish.
    asio::awaitable<void> serve() {
        while (!stopping_) {
            const auto now = sys_clock::now();
            auto earliest = sys_clock::time_point::max();
            for (auto& [name, s] : jobs_) {
                if (!s->spec.schedule) continue;
                if (s->due <= now) {
                    fire(s);
                    plan(*s, now, false);
                }
                earliest = std::min(earliest, s->due);
            }
            wake_.expires_at(earliest);
            boost::system::error_code ec;
            co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        co_await drain();
    }

    // --once: every selected job now, side by side.
    asio::awaitable<void> once() {
        for (auto& [name, s] : jobs_)
            start(s);
        co_await drain();
    }

    asio::awaitable<void> watch_signals() {
        for (;;) {
            auto [ec, sig] = co_await signals_.async_wait(use_tuple);
            if (ec) co_return;
            if (sig == SIGHUP) {
                reload();
            } else if (stopping_) {
                say("second signal: cancelling running jobs now");
                runs_cancelled_ = true;
                stop_runs_.notify();
            } else {
                stopping_ = true;
                wake_.cancel();
                idle_.notify();
            }
        }
    }

    void stop_watching() { signals_.cancel(); }
    service_monitor& monitor() { return monitor_; }

    // The jobs as the status page shows them.
    std::vector<job_status> job_statuses() const {
        std::vector<job_status> out;
        for (const auto& [name, s] : jobs_) {
            auto& j = out.emplace_back(
                job_status{name, type_name(s->spec.type), "", s->running, s->runs, std::nullopt});
            if (const auto& when = s->spec.schedule) {
                j.schedule =
                    when->cron ? when->cron->text() : "every " + format_duration(when->every);
                if (s->due != sys_clock::time_point::max()) j.next = s->due;
            }
        }
        return out;
    }
    bool any_failed() const { return any_failed_; }
    bool write_failed() const { return write_failed_; }

private:
    void say(const std::string& text) {
        if (!options_.quiet)
            std::fprintf(stderr, "%s %s\n", utc_stamp(sys_clock::now()).c_str(), text.c_str());
    }

    // The next fire time (schedule/plan.hpp), the jitter drawn here.
    void plan(job_state& s, sys_clock::time_point now, bool first) {
        std::optional<sys_clock::time_point> previous;
        if (!first) previous = s.base;
        const auto next = next_fire_time(*s.spec.schedule, now, previous, rng_());
        s.base = next.base;
        s.due = next.due;
    }

    void fire(const std::shared_ptr<job_state>& s) {
        if (!s->running) return start(s);
        const auto& name = s->spec.name;
        if (s->spec.schedule->overlap == overlap_policy::queue) {
            s->queued = true;
            say("job " + name + ": still running; the next run starts when it ends");
            return;
        }
        say("job " + name + ": still running; this run is skipped");
        json line;
        line["job"] = name;
        line["start"] = utc_stamp(sys_clock::now());
        line["status"] = "skipped";
        line["reason"] = "the previous run was still going (overlap: skip)";
        log(line);
    }

    void start(const std::shared_ptr<job_state>& s) {
        s->running = true;
        ++active_;
        asio::co_spawn(ctx_, run(s), asio::detached);
    }

    void finished(const std::shared_ptr<job_state>& s) {
        s->running = false;
        --active_;
        idle_.notify();
        if (s->queued && !stopping_) {
            s->queued = false;
            start(s);
        }
    }

    // One run of a job, to its output file and its run-log line. Never throws.
    asio::awaitable<void> run(std::shared_ptr<job_state> s) {
        const auto spec = s->spec; // a reload during the run does not change it
        const auto number = ++s->runs;
        const run_context context{config_,
                                  stop_runs_,
                                  runs_cancelled_,
                                  write_failed_,
                                  [this](const std::string& text) { say(text); },
                                  monitor_.watch(spec.name)};
        const auto line = co_await run_job(context, spec, number);
        if (line["status"] != "ok") any_failed_ = true;
        log(line);
        say("job " + spec.name + " run " + std::to_string(number) + ": " + run_summary(line));
        finished(s);
    }

    // Waits for the running jobs; once stopping, cancels them after the grace period.
    asio::awaitable<void> drain() {
        while (active_ > 0) {
            if (stopping_ && !std::exchange(grace_started_, true)) {
                say("stopping: waiting up to " +
                    std::to_string(std::chrono::duration<double>(options_.grace).count()) +
                    " s for " + std::to_string(active_) + " running job(s)");
                asio::co_spawn(ctx_, cancel_after_grace(), asio::detached);
            }
            co_await idle_.wait();
        }
        grace_.cancel();
    }

    asio::awaitable<void> cancel_after_grace() {
        grace_.expires_after(options_.grace);
        boost::system::error_code ec;
        co_await grace_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec || active_ == 0) co_return;
        say("grace period over: cancelling running jobs");
        runs_cancelled_ = true;
        stop_runs_.notify();
    }

    void reload() {
        auto loaded = load_config(config_.path);
        if (loaded.value) {
            auto c = std::move(*loaded.value);
            try {
                if (apply(std::move(c))) {
                    say("reloaded " + config_.path + ": " + std::to_string(jobs_.size()) +
                        " job(s)");
                    wake_.cancel();
                    return;
                }
                loaded.problems.push_back(config_.path + ": no job named '" + options_.only_job +
                                          "'");
            } catch (const std::exception& e) {
                loaded.problems.push_back(error_message(e));
            }
        }
        for (const auto& p : loaded.problems)
            std::fprintf(stderr, "%s\n", printable(p).c_str());
        say("reload refused: the previous config keeps running");
    }

    // A run-log line that cannot be written is said on stderr (whatever
    // --quiet says) and fails the scheduler's exit status.
    void log(const json& line) {
        monitor_.logged(line);
        const auto error = log_.append(line);
        if (error.empty()) return;
        write_failed_ = true;
        std::fprintf(stderr, "%s asyncfetch: %s\n", utc_stamp(sys_clock::now()).c_str(),
                     error.c_str());
    }

    asio::io_context& ctx_;
    const scheduler_options& options_;
    config config_;
    std::map<std::string, std::shared_ptr<job_state>> jobs_;
    run_log_writer log_;
    asio::system_timer wake_;  // the main loop sleeps on it; cancelled to look again
    event stop_runs_;          // notified to cancel every running job
    event idle_;               // notified when a run ends or a stop begins
    asio::steady_timer grace_; // after a stop: how long running jobs may go on
    asio::signal_set signals_;
    std::mt19937_64 rng_;
    service_monitor monitor_{options_.config_path};
    std::size_t active_ = 0;
    bool stopping_ = false, any_failed_ = false, grace_started_ = false, runs_cancelled_ = false;
    bool write_failed_ = false; // a run output or a run-log line could not be written
};

} // namespace

int run_scheduler(const scheduler_options& options) {
    auto loaded = load_config(options.config_path);
    if (!loaded.value) {
        for (const auto& p : loaded.problems)
            std::fprintf(stderr, "%s\n", printable(p).c_str());
        std::fprintf(stderr, "asyncfetch: nothing was run; fix the config above\n");
        return 2;
    }
    auto& c = *loaded.value;
    const bool known = options.only_job.empty() ||
                       std::any_of(c.jobs.begin(), c.jobs.end(),
                                   [&](const job_spec& j) { return j.name == options.only_job; });
    if (!known) {
        std::string names;
        for (const auto& j : c.jobs)
            names += (names.empty() ? "" : ", ") + j.name;
        std::fprintf(stderr, "%s: no job named '%s' (jobs: %s)\n", options.config_path.c_str(),
                     options.only_job.c_str(), names.c_str());
        return 2;
    }
    if (options.dry_run) return print_dry_run(c, options.only_job);

    asio::io_context ctx(1);
    scheduler s(ctx, options);
    s.apply(std::move(c));
    if (!options.once && !s.anything_scheduled()) {
        std::fprintf(stderr, "%s: no job has a schedule; use --once to run them now\n",
                     options.config_path.c_str());
        return 2;
    }
    std::unique_ptr<http_listener> listener;
    if (!options.listen.empty()) {
        auto opened = open_listener(ctx.get_executor(), options, [&s](std::string_view path) {
            return s.monitor().reply(path, s.job_statuses());
        });
        if (!opened) {
            std::fprintf(stderr, "asyncfetch: %s\n", printable(opened.problem()).c_str());
            return 2;
        }
        listener = std::move(*opened);
        asio::co_spawn(ctx, listener->serve(), asio::detached);
    }
    asio::co_spawn(ctx, s.watch_signals(), asio::detached);
    asio::co_spawn(
        ctx,
        [&]() -> asio::awaitable<void> {
            if (options.once)
                co_await s.once();
            else
                co_await s.serve();
            s.stop_watching();
            if (listener) listener->close();
        },
        asio::detached);
    ctx.run();
    return (options.once && s.any_failed()) || s.write_failed() ? 1 : 0;
}

} // namespace asyncfetch::schedule
