#include "asyncfetch/app/distributed.hpp"

#include "asyncfetch/app/fetch.hpp"
#include "asyncfetch/app/host_targets.hpp"
#include "asyncfetch/app/target_input.hpp"
#include "asyncfetch/core/atomic_file.hpp"
#include "asyncfetch/core/error_message.hpp"
#include "asyncfetch/core/event_loop.hpp"
#include "asyncfetch/streams/job.hpp"
#include "asyncfetch/streams/worker.hpp"

#include <boost/asio/this_coro.hpp>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>

namespace asio = boost::asio;
using json = nlohmann::ordered_json;

namespace asyncfetch::app {
namespace {

// The endpoint, or a message and exit 2.
std::optional<redis::endpoint> endpoint_of(const redis_settings& s) {
    auto parsed = redis::parse_endpoint(s.url);
    if (!parsed) {
        std::cerr << "asyncfetch: " << parsed.problem() << "\n";
        return std::nullopt;
    }
    return std::move(parsed).value();
}

// Runs `body` on a fresh event loop until it ends or SIGINT/SIGTERM; returns
// its status, or `on_signal` when a signal ended it. Errors print and give 2.
int run_loop(const std::function<asio::awaitable<int>()>& body, int on_signal) {
    int status = on_signal;
    try {
        const bool signalled = run_until_signal(
            [&](const bool&) -> asio::awaitable<void> { status = co_await body(); });
        return signalled ? on_signal : status;
    } catch (const std::exception& e) {
        std::cerr << "asyncfetch: " << error_message(e) << "\n";
        return exit_usage;
    }
}

void say(const std::string& text) {
    std::fprintf(stderr, "%s\n", text.c_str());
}

} // namespace

int run_enqueue(const enqueue_config& config) {
    const auto where = endpoint_of(config.redis);
    if (!where) return exit_usage;
    // Hosts may be node sets (web[01-20], @group), as for `ssh`: expanded in
    // memory. URL lines (JSON requests too, not for a crawl) are streamed:
    // a file checked whole first, standard input as it is read.
    auto validate = target_validator(url_line_problem);
    if (!config.crawl) validate = request_line_problem;
    input_file hosts;
    if (config.hosts && !read_hosts({config.input, {}, {}, ""}, host_line_problem, false, hosts))
        return exit_usage;
    target_input input = config.hosts ? target_input(std::move(hosts.targets))
                                      : target_input(config.input, validate, false);
    if (!input.check()) return exit_usage;
    int status = run_loop(
        [&]() -> asio::awaitable<int> {
            redis::connection c(co_await asio::this_coro::executor, *where, config.redis.options);
            auto source = input.pass();
            const streams::target_puller next = [&]() -> std::optional<std::string> {
                auto t = source.next();
                if (!t) return std::nullopt;
                return std::move(t->text);
            };
            const auto added = co_await streams::enqueue(c, where->name, next, config.crawl);
            std::fprintf(stderr, "enqueued %llu targets in %s",
                         static_cast<unsigned long long>(added.count), where->text().c_str());
            if (added.count > 0)
                std::fprintf(stderr, " (ids %llu-%llu)",
                             static_cast<unsigned long long>(added.first),
                             static_cast<unsigned long long>(added.last));
            std::fprintf(stderr, "\n");
            co_return exit_ok;
        },
        exit_interrupted);
    // A bad line of standard input stopped it: those before it stay enqueued.
    if (status == exit_ok && !input.stopped_by().empty()) {
        std::cerr << format_problems(input.path(), input.stopped_by());
        std::cerr << "asyncfetch: enqueue stopped at the line above (the targets before it are "
                     "enqueued); fix it and enqueue the rest\n";
        status = exit_usage;
    }
    return status;
}

int run_worker(const worker_config& config) {
    const auto where = endpoint_of(config.redis);
    if (!where) return exit_usage;
    // -j N: N independent workers, each its own consumer; the parent waits.
    std::size_t worker_number = 0;
    std::vector<pid_t> children;
    const pid_t parent = ::getpid();
    for (std::size_t i = 1; i < config.processes; ++i) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent) ::_exit(0);
            worker_number = i;
            children.clear();
            break;
        }
        if (pid > 0) children.push_back(pid);
    }
    char host[256] = "host";
    ::gethostname(host, sizeof host - 1);
    streams::worker_options options;
    options.consumer = std::string(host) + "-" + std::to_string(::getpid());
    options.concurrency = config.concurrency;
    options.claim_idle = config.claim_idle;
    options.until_done = config.until_done;
    const auto prefix = "worker " + options.consumer + ": ";
    options.say = [prefix](const std::string& text) { say(prefix + text); };
    const auto kind = config.ssh ? exec_job(std::make_shared<exec_config>(*config.ssh))
                                 : fetch_job(config.client);
    const int status = run_loop(
        [&]() -> asio::awaitable<int> {
            const auto ex = co_await asio::this_coro::executor;
            redis::connection reads(ex, *where, config.redis.options);
            redis::connection writes(ex, *where, config.redis.options);
            streams::entry_handler handler;
            if (config.crawl)
                handler = co_await streams::crawl_handler(writes, where->name, *config.crawl,
                                                          options.say);
            else
                handler = streams::job_handler(kind, ex);
            const auto stats = co_await streams::work(reads, writes, where->name, handler, options);
            if (!config.quiet)
                say(prefix + std::to_string(stats.processed) + " records stored, " +
                    std::to_string(stats.duplicates) + " duplicates dropped, " +
                    std::to_string(stats.claimed) + " entries claimed from idle workers");
            co_return exit_ok;
        },
        exit_ok); // stopped by a signal: its entries stay pending for the others
    if (worker_number > 0) ::_exit(status);
    int worst = status;
    for (const pid_t pid : children) {
        int st = 0;
        while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        if (WIFEXITED(st)) worst = std::max(worst, WEXITSTATUS(st));
    }
    return worst;
}

int run_collect(const collect_config& config) {
    const auto where = endpoint_of(config.redis);
    if (!where) return exit_usage;
    std::FILE* out = stdout;
    const std::string out_name = config.output.empty() ? "standard output" : config.output;
    if (!config.output.empty()) {
        out = std::fopen(config.output.c_str(), "w");
        if (!out) {
            std::cerr << "asyncfetch: " << file_error_message(config.output, "open", errno) << "\n";
            return exit_usage;
        }
    }
    // A record that cannot be written ends the collection (the stream keeps
    // it for the next collect) and fails the exit status.
    std::string write_error;
    auto note_write_error = [&] {
        if (write_error.empty()) write_error = file_error_message(out_name, "write", errno);
    };
    struct output_failed {};
    std::uint64_t failed = 0;
    int status = run_loop(
        [&]() -> asio::awaitable<int> {
            redis::connection c(co_await asio::this_coro::executor, *where, config.redis.options);
            // Named locals, not temporaries, in a co_await that can throw (g++ 12).
            const std::function<void(std::string_view, bool)> emit = [&](std::string_view line,
                                                                         bool record_failed) {
                if (std::fwrite(line.data(), 1, line.size(), out) != line.size() ||
                    std::fputc('\n', out) == EOF) {
                    note_write_error();
                    throw output_failed{};
                }
                failed += record_failed;
            };
            const std::function<void(const std::string&)> progress = [](const std::string& text) {
                say("collect: " + text);
            };
            std::uint64_t n = 0;
            try {
                n = co_await streams::collect(c, where->name, config.follow, emit, progress);
            } catch (const output_failed&) {
                co_return exit_failures;
            }
            if (!config.quiet)
                std::fprintf(stderr, "%llu records, %llu failed\n",
                             static_cast<unsigned long long>(n),
                             static_cast<unsigned long long>(failed));
            co_return failed > 0 ? exit_failures : exit_ok;
        },
        exit_interrupted);
    if (std::fflush(out) != 0) note_write_error();
    if (out != stdout && std::fclose(out) != 0) note_write_error();
    if (!write_error.empty()) {
        std::cerr << "asyncfetch: " << write_error << "\n";
        if (status == exit_ok) status = exit_failures;
    }
    return status;
}

} // namespace asyncfetch::app
