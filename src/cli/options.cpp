#include "options.hpp"

#include "asyncfetch/app/run_limits.hpp"
#include "asyncfetch/core/secret_source.hpp"
#include "asyncfetch/core/text.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>

namespace asyncfetch::cli {

void add_run_options(CLI::App& cmd, app::run_settings& run, run_flags& f, const std::string& noun,
                     bool one_process) {
    add_count(cmd, "-c,--concurrency", run.concurrency, 1, app::max_concurrency,
              "How many " + noun + "s in flight at once");
    auto* serial = cmd.add_flag("--serial", f.serial, "One " + noun + " at a time (same as -c 1)");
    cmd.add_flag("--compare", run.compare,
                 "Run serially, then concurrently; print both costs and the speedup (a file is "
                 "read once per pass, standard input once and held in memory)")
        ->excludes(serial);
    if (!one_process) {
        add_count(cmd, "-j,--processes", run.processes, 1, app::max_processes,
                  "Worker processes, each with its own event loop and -c " + noun +
                      "s in flight (1: no fork)");
        cmd.add_flag("--ordered", run.ordered,
                     "Write records in input order (default: as they finish)");
        auto* max_failures =
            add_count(cmd, "--max-failures", run.max_failures, 1, 1000000,
                      "Once N " + noun + "s failed, start no more (the rest: 'not started')");
        cmd.add_flag("--fail-fast", f.fail_fast, "Same as --max-failures 1")
            ->excludes(max_failures);
        add_parsed(cmd, "--on-failure", run.on_failure, parse_on_failure_limit,
                   "At --max-failures, the " + noun + "s running: finish, or cancel them")
            ->type_name("TEXT:{finish,cancel}")
            ->default_str("finish");
    }
    cmd.add_option("-o,--output", f.output, "Write JSON lines records to FILE instead of stdout");
    cmd.add_flag("-q,--quiet", f.quiet, "No per-" + noun + " lines on stderr");
    cmd.add_flag("--no-progress", f.no_progress,
                 "No progress line on stderr (drawn only when stderr is a terminal)");
}

void finish_run_options(app::run_settings& run, const run_flags& f) {
    if (f.serial) run.concurrency = 1;
    if (f.fail_fast) run.max_failures = 1;
    run.output.path = f.output;
    run.output.console = !f.quiet;
    // Kept with -q: the progress line is one redrawn line, not a line per target.
    run.output.progress = !f.no_progress && ::isatty(STDERR_FILENO);
}

void add_dns_options(CLI::App& cmd, dns::dns_options& o) {
    add_parsed(cmd, "--resolver", o.kind, dns::parse_resolver_kind,
               "cares: resolve on the event loop, at the run's concurrency; system: "
               "getaddrinfo on a thread pool (NSS sources such as mDNS or LDAP)")
        ->default_str(o.kind == dns::resolver_kind::cares ? "cares" : "system");
    add_parsed(
        cmd, "--dns-servers", o.servers,
        [](const std::string& text) -> parsed<std::string> {
            auto servers = dns::parse_dns_servers(text);
            if (!servers) return problem(servers.problem());
            return servers->csv;
        },
        "DNS servers instead of resolv.conf's: ADDR[:PORT],... ([ADDR6]:PORT)");
}

void finish_dns_flags(const dns::dns_options& o) {
    if (auto why = dns::check(o); !why.empty()) throw CLI::ValidationError("--dns-servers", why);
}

std::string env_secret(const std::string& var, const std::string& flag) {
    auto secret = secret_from_env(var);
    if (!secret) throw CLI::ValidationError(flag, secret.problem());
    return std::move(*secret);
}

std::string ask_secret(const std::string& prompt, bool echo) {
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        throw std::runtime_error(
            "cannot prompt for a secret: no terminal (use the -env or -file options)");
    termios saved{};
    ::tcgetattr(tty, &saved);
    termios quiet = saved;
    if (!echo) quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
    (void)::write(tty, prompt.data(), prompt.size());
    std::string secret;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n')
        secret += c;
    ::tcsetattr(tty, TCSAFLUSH, &saved);
    (void)::write(tty, "\n", 1);
    ::close(tty);
    return secret;
}

ssh::prompt_asker terminal_asker() {
    auto answers = std::make_shared<std::map<std::string, std::string>>();
    return [answers](const ssh::kbd_prompt& p) -> std::optional<std::string> {
        // Bounded and printable: the text is the server's.
        const auto text = printable(p.text.substr(0, 200));
        if (auto known = answers->find(text); known != answers->end()) return known->second;
        try {
            return answers->emplace(text, ask_secret(text, p.echo)).first->second;
        } catch (const std::exception&) {
            return std::nullopt; // no terminal: the host's record names the prompt
        }
    };
}

void deprecated_spelling(const std::string& old, const std::string& now) {
    std::cerr << "asyncfetch: " << old << " is now " << now
              << " (the old spelling goes in the next release)\n";
}

} // namespace asyncfetch::cli
