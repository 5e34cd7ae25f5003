#include "asyncfetch/app/ssh.hpp"
#include "ssh_exec_mode.hpp"

#include "asyncfetch/app/failed_targets.hpp"
#include "asyncfetch/app/host_targets.hpp"
#include "asyncfetch/app/output_groups.hpp"
#include "asyncfetch/app/ssh_connect.hpp"
#include "asyncfetch/core/atomic_file.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/exec.hpp"
#include "asyncfetch/ssh/known_hosts.hpp"
#include "asyncfetch/ssh/sftp.hpp"

#include <boost/asio/this_coro.hpp>

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

namespace asio = boost::asio;

namespace asyncfetch::app {
namespace {

using json = nlohmann::ordered_json;

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

host_plan plan_of(const ssh_config& c, const std::string& line) {
    auto parsed = ssh::parse_host_line(line);
    return plan_host(parsed ? *parsed : ssh::host_spec{}, c.default_user, c.default_port, c.session,
                     c.given, c.config_files.get(), c.jump);
}

// The host as records and console lines name it.
ssh::host_spec host_of(const ssh_config& c, const std::string& line) {
    return plan_of(c, line).shown;
}

// {"host","port","user","exit_status","signal","stdout","stderr","pty","elapsed_ms","error"}
record exec_record(const ssh::host_spec& h, const ssh::exec_result* res, std::string error,
                   double elapsed_ms, bool pty) {
    record r;
    r.error = std::move(error);
    const bool ran = res && r.error.empty();
    r.result = ran && res->exit_status == 0 ? outcome::ok : outcome::failed;
    r.elapsed_ms = elapsed_ms;
    r.bytes = res ? res->out_bytes + res->err_bytes : 0;
    auto& f = r.fields;
    f["host"] = h.host;
    f["port"] = h.port;
    f["user"] = h.user;
    f["exit_status"] = ran && res->signal.empty() ? json(res->exit_status) : json(nullptr);
    f["signal"] = ran && !res->signal.empty() ? json(res->signal) : json(nullptr);
    f["stdout"] = res ? res->out : "";
    f["stderr"] = res ? res->err : "";
    f["pty"] = pty;          // true: stderr arrived merged into stdout
    f["start_ms"] = nullptr; // set by the runner: ms from the run's start
    f["elapsed_ms"] = std::round(elapsed_ms * 1000) / 1000;
    f["error"] = r.error.empty() ? json(nullptr) : json(r.error);
    return r;
}

// pssh's --outdir/--errdir layout: DIR/<host>.out and DIR/<host>.err, each
// complete or not replaced. Returns an empty string or why they could not be written.
std::string write_out_dir(const std::string& dir, const ssh::host_spec& h,
                          const std::string& default_user, const ssh::exec_result& res) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return "--out-dir " + dir + ": cannot create: " + ec.message();
    const auto name = host_file_name(h, default_user);
    auto failed = write_file_atomically(dir + "/" + name + ".out", res.out);
    if (failed.empty()) failed = write_file_atomically(dir + "/" + name + ".err", res.err);
    return failed.empty() ? failed : "--out-dir " + failed;
}

} // namespace

std::string local_user() {
    if (const char* u = std::getenv("USER"); u && *u) return u;
    if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
    return "root";
}

std::optional<std::string> host_line_problem(std::string_view text) {
    auto parsed = ssh::parse_host_line(text);
    if (parsed) return std::nullopt;
    return "invalid host '" + ssh::printable_host_line(text) + "': " + parsed.problem() +
           " (expected [user@]host[:port])";
}

namespace {

// What one host does once its session is open; returns the host's record.
using host_work = std::function<asio::awaitable<record>(
    ssh::session&, const ssh::host_spec&, std::chrono::steady_clock::time_point start)>;
// The record of a host that never got that far.
using failure_record = std::function<record(const ssh::host_spec&, std::string error, double ms)>;

// Runs `step` (the command or the transfer: the last phase of a session)
// under the --timeout limit (zero: none): a timeout is a failure naming `what`.
asio::awaitable<ssh::ssh_failure>
within_limit(const ssh_config& c, asio::awaitable<ssh::ssh_failure> step, const char* what) {
    const auto b = budget(c.command_timeout);
    auto finished = co_await within(b, std::move(step));
    if (finished) co_return *finished;
    char text[96];
    std::snprintf(text, sizeof text, "%s: timed out after %.1f s (--timeout)", what,
                  std::chrono::duration<double>(b.limit).count());
    co_return ssh::ssh_failure{make_error_code(ssh::ssh_errc::command_timeout), text};
}

// The part every SSH job shares: known_hosts, connecting and authenticating
// each host, the console lines and the failed-hosts list.
job_kind host_job(std::shared_ptr<const ssh_config> config, host_work work,
                  failure_record failed_record,
                  std::function<std::string(const record&)> why_failed, const char* bytes_verb) {
    auto hosts = std::make_shared<known_hosts_cache>();

    job_kind kind;
    kind.bytes_verb = bytes_verb;
    kind.make_operation = [config, hosts, work, failed_record](asio::any_io_executor ex) {
        // The pass's bastion sessions, closed when the pass ends.
        auto jumps = std::make_shared<ssh::jump_pool>(ex);
        operation on_host = [config, hosts, work, failed_record,
                             jumps](const target& t) -> asio::awaitable<record> {
            const auto& c = *config;
            const auto start = std::chrono::steady_clock::now();
            const auto plan = plan_of(c, t.text);
            if (!plan.problem.empty())
                co_return failed_record(plan.shown, plan.problem, ms_since(start));
            host_connection connection(co_await asio::this_coro::executor);
            if (auto refused = co_await connect_host(connection, plan, *hosts, *jumps))
                co_return failed_record(plan.shown, refused.message, ms_since(start));
            auto r = co_await work(connection.session, plan.shown, start);
            // A failed session is dropped rather than politely closed.
            if (r.error.empty()) {
                co_await connection.session.close();
            } else if (auto why = connection.error_for(r.error); why != r.error) {
                r.error = why; // the bastion died under it
                r.fields["error"] = why;
            }
            co_return r;
        };
        return std::make_pair(std::move(on_host), std::shared_ptr<void>(jumps));
    };
    kind.error_record = [config, failed_record](const std::string& text, std::string error,
                                                outcome result) {
        auto r = failed_record(host_of(*config, text), std::move(error), 0);
        r.result = result;
        return r;
    };
    report_failed_targets(
        kind, [config](const target& t) { return host_of(*config, t.text).display(); },
        std::move(why_failed), "host");
    return kind;
}

// Reads the hosts file and runs the job on every host.
int run_on_hosts(const ssh_config& c, const job_kind& kind) {
    input_file input;
    const host_selection hosts{c.hosts_file, c.host_sets, c.excluded, c.groups_file};
    if (!read_hosts(hosts, host_line_problem, c.keep_going, input)) return exit_usage;
    return run_targets(c.run, kind, input.targets, input.problems);
}

// {"host","port","user","op","source","destination","files","files_unchanged","files_resumed",
//  "directories","bytes","skipped","elapsed_ms","error"} (+ "checksum_via" with --checksum)
record transfer_record(const transfer_config& t, const ssh::host_spec& h,
                       const std::string& destination, const ssh::transfer_stats* stats,
                       std::string error, double elapsed_ms) {
    record r;
    r.error = std::move(error);
    r.result = r.error.empty() ? outcome::ok : outcome::failed;
    r.elapsed_ms = elapsed_ms;
    r.bytes = stats ? stats->bytes : 0;
    auto& f = r.fields;
    f["host"] = h.host;
    f["port"] = h.port;
    f["user"] = h.user;
    f["op"] = t.direction == transfer_config::put ? "put" : "get";
    f["source"] = t.source;
    f["destination"] = destination;
    f["files"] = stats ? stats->files : 0;                     // sent (put) or received (get)
    f["files_unchanged"] = stats ? stats->files_unchanged : 0; // --update / --checksum
    f["files_resumed"] = stats ? stats->files_resumed : 0;     // --resume
    if (stats && !stats->checksum_via.empty()) f["checksum_via"] = stats->checksum_via;
    f["directories"] = stats ? stats->directories : 0;
    f["bytes"] = r.bytes;
    f["skipped"] = stats ? json(stats->skipped) : json::array();
    f["start_ms"] = nullptr; // set by the runner: ms from the run's start
    f["elapsed_ms"] = std::round(elapsed_ms * 1000) / 1000;
    f["error"] = r.error.empty() ? json(nullptr) : json(r.error);
    return r;
}

} // namespace

job_kind exec_job(std::shared_ptr<const exec_config> shared) {
    host_work work =
        [shared](ssh::session& s, const ssh::host_spec& host,
                 std::chrono::steady_clock::time_point start) -> asio::awaitable<record> {
        const auto& config = *shared;
        const auto& c = config.ssh;
        // --stream: whole lines, prefixed with the host, as they arrive.
        ssh::line_splitter out_lines, err_lines;
        ssh::exec_options options;
        options.input = config.input;
        const auto prefix = host.display() + ": ";
        auto print = [&prefix](std::FILE* to) {
            return [&prefix, to](std::string_view line) {
                std::fprintf(to, "%s%.*s\n", prefix.c_str(), static_cast<int>(line.size()),
                             line.data());
            };
        };
        if (c.stream) {
            options.on_output = [&](bool is_err, std::string_view chunk) {
                (is_err ? err_lines : out_lines).feed(chunk, print(is_err ? stderr : stdout));
            };
        }
        const auto mode = prepare_exec_mode(config, options); // --pty, --sudo
        ssh::exec_result res; // kept on a timeout: the output so far goes in the record
        const auto failure =
            co_await within_limit(c, ssh::exec(s, mode.command, options, res), "command");
        if (c.stream) {
            out_lines.flush(print(stdout));
            err_lines.flush(print(stderr));
        }
        auto error = failure.message;
        if (auto sudo_failed = finish_exec_mode(config, mode, res); error.empty())
            error = std::move(sudo_failed);
        // Output that could not be saved fails the host, as its record says.
        if (!c.out_dir.empty()) {
            if (auto failed = write_out_dir(c.out_dir, host, c.default_user, res); error.empty())
                error = std::move(failed);
        }
        co_return exec_record(host, &res, std::move(error), ms_since(start), config.pty);
    };
    auto failed = [pty = shared->pty](const ssh::host_spec& h, std::string error, double ms) {
        return exec_record(h, nullptr, std::move(error), ms, pty);
    };
    auto kind = host_job(std::shared_ptr<const ssh_config>(shared, &shared->ssh), std::move(work),
                         failed, command_failure_reason, "of output");
    if (shared->group) print_grouped_output(kind);
    return kind;
}

std::optional<std::string> load_stdin_input(exec_config& config) {
    if (config.stdin_path.empty()) return std::nullopt;
    const bool from_stdin = config.stdin_path == "-";
    if (from_stdin && config.ssh.hosts_file == "-")
        return "--stdin -: the hosts file already comes from stdin";
    std::ifstream file;
    if (!from_stdin) {
        if (std::filesystem::is_directory(config.stdin_path))
            return "--stdin " + config.stdin_path + ": is a directory";
        file.open(config.stdin_path, std::ios::binary);
        if (!file) return "--stdin " + config.stdin_path + ": " + std::strerror(errno);
    }
    std::istream& in = from_stdin ? std::cin : file;
    auto data = std::make_shared<std::string>();
    char buf[64 * 1024];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        data->append(buf, static_cast<std::size_t>(in.gcount()));
        if (data->size() > max_stdin_input)
            return "--stdin " + config.stdin_path + ": more than " +
                   std::to_string(max_stdin_input >> 20) + " MiB (it is kept for every host)";
    }
    if (in.bad()) return "--stdin " + config.stdin_path + ": read error";
    config.input = std::move(data);
    return std::nullopt;
}

int run_ssh(const exec_config& config) {
    auto loaded = config;
    if (auto problem = load_stdin_input(loaded)) {
        std::fprintf(stderr, "asyncfetch: %s\n", problem->c_str());
        return exit_usage;
    }
    const auto shared = std::make_shared<exec_config>(std::move(loaded));
    return run_on_hosts(shared->ssh, exec_job(shared));
}

job_kind transfer_job(std::shared_ptr<const transfer_config> shared) {
    // get: each host's files go under LOCALDIR/<host>/.
    auto destination_for = [shared](const ssh::host_spec& h) {
        const auto& config = *shared;
        return config.direction == transfer_config::put
                   ? config.destination
                   : (std::filesystem::path(config.destination) /
                      host_file_name(h, config.ssh.default_user))
                         .string();
    };
    host_work work = [shared, destination_for](
                         ssh::session& s, const ssh::host_spec& host,
                         std::chrono::steady_clock::time_point start) -> asio::awaitable<record> {
        const auto& config = *shared;
        ssh::transfer_options options;
        options.recursive = config.recursive;
        options.update = config.update;
        options.checksum = config.checksum;
        options.resume = config.resume;
        options.fsync = config.fsync;
        ssh::transfer_stats stats;
        const auto to = destination_for(host);
        // (No ?: between the two awaitables: GCC 12 miscompiles that in a coroutine.)
        ssh::ssh_failure failure;
        if (config.direction == transfer_config::put)
            failure = co_await within_limit(
                config.ssh, ssh::put(s, config.source, to, options, stats), "transfer");
        else
            failure = co_await within_limit(
                config.ssh, ssh::get(s, config.source, to, options, stats), "transfer");
        co_return transfer_record(config, host, to, &stats, failure.message, ms_since(start));
    };
    auto failed = [shared, destination_for](const ssh::host_spec& h, std::string error, double ms) {
        return transfer_record(*shared, h, destination_for(h), nullptr, std::move(error), ms);
    };
    return host_job(
        std::shared_ptr<const ssh_config>(shared, &shared->ssh), std::move(work), failed,
        [](const record& r) { return r.error; },
        shared->direction == transfer_config::put ? "sent" : "received");
}

int run_transfer(const transfer_config& config) {
    return run_on_hosts(config.ssh, transfer_job(std::make_shared<transfer_config>(config)));
}

} // namespace asyncfetch::app
