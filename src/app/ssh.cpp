#include "asyncfetch/app/ssh.hpp"

#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/exec.hpp"
#include "asyncfetch/ssh/known_hosts.hpp"

#include <boost/asio/this_coro.hpp>

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace asio = boost::asio;

namespace asyncfetch::app {
namespace {

using json = nlohmann::ordered_json;

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

ssh::host_spec host_of(const ssh_config& c, const std::string& line) {
    auto parsed = ssh::parse_host_line(line);
    return ssh::with_defaults(parsed.spec.value_or(ssh::host_spec{}), c.default_user,
                              c.default_port);
}

// {"host","port","user","exit_status","signal","stdout","stderr","elapsed_ms","error"}
record exec_record(const ssh::host_spec& h, const ssh::exec_result* res, std::string error,
                   double elapsed_ms) {
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
    f["elapsed_ms"] = std::round(elapsed_ms * 1000) / 1000;
    f["error"] = r.error.empty() ? json(nullptr) : json(r.error);
    return r;
}

// pssh's --outdir/--errdir layout: DIR/<host>.out and DIR/<host>.err.
void write_out_dir(const std::string& dir, const ssh::host_spec& h, const ssh::exec_result& res) {
    std::filesystem::create_directories(dir);
    const auto name = h.port == 22 ? h.host : h.host + ":" + std::to_string(h.port);
    std::ofstream(dir + "/" + name + ".out", std::ios::binary) << res.out;
    std::ofstream(dir + "/" + name + ".err", std::ios::binary) << res.err;
}

// Why a host failed, for the list after the summary.
std::string failure_reason(const record& r) {
    if (!r.error.empty()) return r.error;
    if (!r.fields["signal"].is_null())
        return "killed by signal " + r.fields["signal"].get<std::string>();
    return "exit status " + std::to_string(r.fields["exit_status"].get<int>());
}

} // namespace

std::string local_user() {
    if (const char* u = std::getenv("USER"); u && *u) return u;
    if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
    return "root";
}

std::optional<std::string> host_line_problem(std::string_view text) {
    auto parsed = ssh::parse_host_line(text);
    if (parsed.spec) return std::nullopt;
    return "invalid host '" + std::string(text) + "': " + parsed.problem +
           " (expected [user@]host[:port])";
}

int run_ssh(const exec_config& config) {
    input_file input;
    if (!read_input(config.ssh.hosts_file, host_line_problem, config.ssh.keep_going, input))
        return exit_usage;
    const auto& c = config.ssh;
    auto hosts = std::make_shared<ssh::known_hosts>(c.session.known_hosts_path, c.session.policy);
    auto failed = std::make_shared<std::vector<std::string>>();

    job_kind kind;
    kind.make_operation = [&config, hosts](asio::any_io_executor) {
        operation run_command = [&config, hosts](const target& t) -> asio::awaitable<record> {
            const auto& c = config.ssh;
            const auto start = std::chrono::steady_clock::now();
            const auto host = host_of(c, t.text);
            ssh::session s(co_await asio::this_coro::executor);
            if (auto refused = co_await s.open(host, c.session, *hosts)) {
                co_return exec_record(host, nullptr, refused.message, ms_since(start));
            }
            // --stream: whole lines, prefixed with the host, as they arrive.
            ssh::line_splitter out_lines, err_lines;
            ssh::exec_options options;
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
            ssh::exec_result res;
            ssh::ssh_failure failure;
            if (c.command_timeout.count() > 0) {
                auto running = ssh::exec(s, config.command, options, res);
                auto finished = co_await with_timeout(std::move(running), c.command_timeout);
                if (!finished) {
                    char text[64];
                    std::snprintf(text, sizeof text, "command: timed out after %.1f s (--timeout)",
                                  std::chrono::duration<double>(c.command_timeout).count());
                    failure = {make_error_code(ssh::ssh_errc::command_timeout), text};
                } else {
                    failure = *finished;
                }
            } else {
                failure = co_await ssh::exec(s, config.command, options, res);
            }
            if (c.stream) {
                out_lines.flush(print(stdout));
                err_lines.flush(print(stderr));
            }
            if (!failure) co_await s.close();
            if (!c.out_dir.empty()) write_out_dir(c.out_dir, host, res);
            co_return exec_record(host, &res, failure.message, ms_since(start));
        };
        return std::make_pair(std::move(run_command), std::shared_ptr<void>());
    };
    kind.error_record = [&c](const std::string& text, std::string error, outcome result) {
        auto r = exec_record(host_of(c, text), nullptr, std::move(error), 0);
        r.result = result;
        return r;
    };
    kind.finished_line = [&c](const target& t, const record& r) {
        const auto name = host_of(c, t.text).display();
        return r.result == outcome::ok ? "[SUCCESS] " + name
                                       : "[FAILURE] " + name + ": " + failure_reason(r);
    };
    kind.observe = [&c, failed](const target& t, const record& r) {
        if (r.result != outcome::ok)
            failed->push_back(host_of(c, t.text).display() + ": " + failure_reason(r));
    };
    kind.epilogue = [failed]() {
        std::string text;
        if (!failed->empty()) text = std::to_string(failed->size()) + " host(s) failed:\n";
        for (const auto& f : *failed)
            text += "  " + f + "\n";
        return text;
    };
    return run_targets(c.run, kind, input.targets, input.problems);
}

} // namespace asyncfetch::app
