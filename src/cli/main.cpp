// The asyncfetch command line: parse, build the config, run, map the outcome
// to an exit status. Everything else lives in the library.
#include "asyncfetch/app/crawl.hpp"
#include "asyncfetch/app/demo.hpp"
#include "asyncfetch/app/distributed.hpp"
#include "asyncfetch/app/fetch.hpp"
#include "asyncfetch/app/ssh.hpp"
#include "asyncfetch/core/dns_options.hpp"
#include "asyncfetch/core/error_message.hpp"
#include "asyncfetch/core/open_files.hpp"
#include "asyncfetch/core/units.hpp"
#include "asyncfetch/http/header_file.hpp"
#include "asyncfetch/report/report_command.hpp"
#include "asyncfetch/schedule/scheduler.hpp"
#include "asyncfetch/version.hpp"
#include "generate.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <tuple>

namespace af = asyncfetch;

namespace {

af::http::duration seconds(double s) {
    return std::chrono::duration_cast<af::http::duration>(std::chrono::duration<double>(s));
}

// The flags every job has: how many in flight, serial or compared, where
// records go, how chatty.
struct run_flags {
    bool serial = false, quiet = false;
    std::string output;
};

// How names are resolved (every command that connects to hosts by name).
struct dns_flags {
    std::string resolver = "cares", servers;
};

void add_dns_options(CLI::App& cmd, dns_flags& f) {
    cmd.add_option("--resolver", f.resolver,
                   "cares: resolve on the event loop, at the run's concurrency; system: "
                   "getaddrinfo on a thread pool (NSS sources such as mDNS or LDAP)")
        ->default_val("cares");
    cmd.add_option("--dns-servers", f.servers,
                   "DNS servers instead of resolv.conf's: ADDR[:PORT],... ([ADDR6]:PORT)");
}

af::dns::dns_options finish_dns_flags(const dns_flags& f) {
    af::dns::dns_options o;
    auto kind = af::dns::parse_resolver_kind(f.resolver);
    if (auto* problem = std::get_if<std::string>(&kind))
        throw CLI::ValidationError("--resolver", *problem);
    o.kind = std::get<af::dns::resolver_kind>(kind);
    if (!f.servers.empty()) {
        auto servers = af::dns::parse_dns_servers(f.servers);
        if (auto* problem = std::get_if<std::string>(&servers))
            throw CLI::ValidationError("--dns-servers", *problem);
        o.servers = std::get<af::dns::server_list>(servers).csv;
    }
    if (auto problem = af::dns::check(o); !problem.empty())
        throw CLI::ValidationError("--dns-servers", problem);
    return o;
}

// `one_process`: the job shares state across targets (a crawl's frontier):
// no -j, no --ordered.
void add_run_options(CLI::App& cmd, af::app::run_settings& run, run_flags& f,
                     const std::string& noun, bool one_process = false) {
    cmd.add_option("-c,--concurrency", run.concurrency, "How many " + noun + "s in flight at once")
        ->default_val(100)
        ->check(CLI::PositiveNumber);
    auto* serial = cmd.add_flag("--serial", f.serial, "One " + noun + " at a time (same as -c 1)");
    cmd.add_flag("--compare", run.compare,
                 "Run serially, then concurrently; print both costs and the speedup")
        ->excludes(serial);
    if (!one_process) {
        cmd.add_option("-j,--processes", run.processes,
                       "Worker processes, each with its own event loop and -c " + noun +
                           "s in flight (1: no fork)")
            ->default_val(1)
            ->check(CLI::Range(1, 256));
        cmd.add_flag("--ordered", run.ordered,
                     "Write records in input order (default: as they finish)");
    }
    cmd.add_option("-o,--output", f.output, "Write JSON lines records to FILE instead of stdout");
    cmd.add_flag("-q,--quiet", f.quiet, "No per-" + noun + " lines and no progress line on stderr");
}

void finish_run_options(af::app::run_settings& run, const run_flags& f) {
    if (f.serial) run.concurrency = 1;
    run.output.path = f.output;
    run.output.console = !f.quiet;
}

// Raw values of the fetch flags, validated into an af::app::fetch_config.
struct fetch_flags {
    af::app::fetch_config config;
    double timeout = 30, connect_timeout = 10, resolve_timeout = 10, tls_timeout = 10;
    std::string max_body = "64M";
    std::vector<std::string> headers;
    std::vector<std::string> header_env; // NAME=VAR
    run_flags run;
    dns_flags dns;
};

void add_fetch_options(CLI::App& cmd, fetch_flags& f, bool crawling = false) {
    auto& c = f.config;
    cmd.add_option("file", c.input,
                   crawling ? "File with one seed URL per line ('-' for stdin; '#' comments)"
                            : "File with one URL per line ('-' for stdin; '#' comments)")
        ->required();
    add_run_options(cmd, c.run, f.run, "URL", crawling);
    cmd.add_flag("--keep-going", c.keep_going,
                 "Record malformed input lines as errors and fetch the rest");
    // A fetch is bounded by -c alone; a crawl is polite to each site by default.
    if (crawling) c.client.per_host = af::crawl::polite_per_host;
    cmd.add_option("--per-host", c.client.per_host, "Requests in flight per host (0: no limit)")
        ->default_val(c.client.per_host);
    cmd.add_option("--timeout", f.timeout, "Seconds for one request attempt, connect to last byte")
        ->default_val(30)
        ->check(CLI::PositiveNumber);
    cmd.add_option("--connect-timeout", f.connect_timeout, "Seconds to connect")
        ->default_val(10)
        ->check(CLI::PositiveNumber);
    cmd.add_option("--resolve-timeout", f.resolve_timeout, "Seconds to resolve a host name")
        ->default_val(10)
        ->check(CLI::PositiveNumber);
    cmd.add_option("--tls-timeout", f.tls_timeout, "Seconds for the TLS handshake")
        ->default_val(10)
        ->check(CLI::PositiveNumber);
    cmd.add_option("--retries", c.client.retry.retries,
                   "Retries on connect errors, 429 and 5xx (backoff, Retry-After)")
        ->default_val(2)
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--max-redirects", c.client.max_redirects, "Redirects to follow")
        ->default_val(10)
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--max-body", f.max_body,
                   "Largest body to accept after decoding (e.g. 512K, 64M)")
        ->default_val("64M");
    cmd.add_option("-H,--header", f.headers,
                   "Extra request header 'Name: value', or @FILE: one a line, values secret "
                   "(repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--header-env", f.header_env,
                   "NAME=VAR: header NAME, its secret value in environment variable VAR "
                   "(repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_flag("--location-trusted", c.client.location_trusted,
                 "Send credentials (Authorization, Cookie, secret headers) along redirects to "
                 "other hosts too (never from https to http)");
    cmd.add_option("-A,--user-agent", c.client.user_agent, "User-Agent header")
        ->default_val(c.client.user_agent);
    cmd.add_option("--cacert", c.client.ca_file,
                   "Trust the CA certificates in this PEM file instead of the system's")
        ->check(CLI::ExistingFile);
    cmd.add_flag(
        "-k,--insecure", [&c](std::int64_t) { c.client.verify_tls = false; },
        "Do not verify TLS certificates or host names (unsafe)");
    add_dns_options(cmd, f.dns);
}

std::string env_secret(const std::string& var, const char* flag);

// Headers whose values are secret: from files (-H @FILE) and the environment.
void add_secret_headers(fetch_flags& f) {
    auto& client = f.config.client;
    for (const auto& h : f.headers) {
        if (!h.starts_with('@')) continue;
        auto file = af::http::read_header_file(h.substr(1));
        if (!file.problem.empty()) throw CLI::ValidationError("--header", file.problem);
        for (auto& [name, value] : file.headers) {
            client.secret_headers.push_back(name);
            client.headers.emplace_back(name, std::move(value));
        }
    }
    for (const auto& spec : f.header_env) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
            throw CLI::ValidationError("--header-env", "expected NAME=VAR, got '" + spec + "'");
        const auto name = spec.substr(0, eq);
        client.secret_headers.push_back(name);
        client.headers.emplace_back(name, env_secret(spec.substr(eq + 1), "--header-env"));
    }
}

void finish_fetch_flags(fetch_flags& f) {
    auto& c = f.config;
    c.client.limits = {seconds(f.resolve_timeout), seconds(f.connect_timeout),
                       seconds(f.tls_timeout), seconds(f.timeout)};
    auto size = af::parse_size(f.max_body);
    if (auto* problem = std::get_if<std::string>(&size))
        throw CLI::ValidationError("--max-body", *problem);
    c.client.max_body = std::get<std::uint64_t>(size);
    add_secret_headers(f);
    c.client.dns = finish_dns_flags(f.dns);
    for (const auto& h : f.headers) {
        if (h.starts_with('@')) continue; // a file, read above
        const auto colon = h.find(':');
        if (colon == std::string::npos || colon == 0) {
            throw CLI::ValidationError("--header", "expected 'Name: value', got '" + h + "'");
        }
        auto value = h.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        c.client.headers.emplace_back(h.substr(0, colon), value);
    }
    finish_run_options(c.run, f.run);
    c.run.output.progress = !f.run.quiet && isatty(STDERR_FILENO) && !c.run.compare;
}

// The crawl's own flags, on top of the fetch ones.
struct crawl_flags {
    fetch_flags fetch;
    af::crawl::crawl_options crawl;
    std::string scope = "same-host";
    double delay = 0;
};

void add_crawl_only_options(CLI::App& cmd, crawl_flags& f);

void add_crawl_options(CLI::App& cmd, crawl_flags& f) {
    add_fetch_options(cmd, f.fetch, true);
    add_crawl_only_options(cmd, f);
}

// What to follow and how politely (crawl, and crawling workers).
void add_crawl_only_options(CLI::App& cmd, crawl_flags& f) {
    auto& c = f.crawl;
    cmd.add_option("-d,--depth", c.depth, "Links to follow from the seeds (0: the seeds only)")
        ->default_val(1)
        ->check(CLI::Range(0, 1000));
    cmd.add_option("--scope", f.scope,
                   "Which links to follow: same-host (as the seeds), same-domain (last two "
                   "labels of the seeds' hosts), or prefix:URL")
        ->default_val("same-host");
    cmd.add_option("--include", c.include,
                   "Follow only URLs matching this regex (repeatable: any may match)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--exclude", c.exclude, "Do not follow URLs matching this regex (repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_flag("--assets", c.assets, "Also follow <link href> and <img src>, not only <a href>");
    cmd.add_flag("--sort-query", c.sort_query,
                 "Treat URLs differing only in query parameter order as one");
    cmd.add_flag("--ignore-robots", c.ignore_robots, "Neither fetch nor obey robots.txt");
    cmd.add_option("--delay", f.delay,
                   "Seconds between requests to one host (robots.txt Crawl-delay, if longer, wins)")
        ->default_val(0)
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--max-pages", c.max_pages, "Fetch at most N pages, seeds included (0: no cap)")
        ->default_val(1000);
}

void finish_crawl_only_flags(crawl_flags& f);

void finish_crawl_flags(crawl_flags& f) {
    finish_fetch_flags(f.fetch);
    finish_crawl_only_flags(f);
}

void finish_crawl_only_flags(crawl_flags& f) {
    auto& c = f.crawl;
    if (auto problem = af::crawl::parse_scope(f.scope, c); !problem.empty())
        throw CLI::ValidationError("--scope", problem);
    for (const auto* list : {&c.include, &c.exclude})
        for (const auto& re : *list)
            if (auto problem = af::crawl::regex_problem(re); !problem.empty())
                throw CLI::ValidationError(list == &c.include ? "--include" : "--exclude", problem);
    c.delay = std::chrono::milliseconds(std::llround(f.delay * 1000));
}

// The flags of every command that talks to Redis.
struct redis_flags {
    std::string password_env;
    bool insecure = false;
};

void add_redis_options(CLI::App& cmd, af::app::redis_settings& r, redis_flags& f) {
    cmd.add_option("redis", r.url,
                   "redis://HOST[:PORT]/NAME or rediss://... (TLS); NAME is the job")
        ->required();
    cmd.add_option("--redis-user", r.options.user, "Redis ACL user (with --redis-password-env)");
    cmd.add_option("--redis-password-env", f.password_env,
                   "Take the Redis password from this environment variable");
    cmd.add_option("--redis-cacert", r.options.ca_file,
                   "rediss: trust the CA certificates in this PEM file")
        ->check(CLI::ExistingFile);
    cmd.add_flag("--redis-insecure", f.insecure, "rediss: do not verify the server's certificate");
}

std::string env_secret(const std::string& var, const char* flag);

void finish_redis_flags(af::app::redis_settings& r, const redis_flags& f) {
    if (!f.password_env.empty())
        r.options.password = env_secret(f.password_env, "--redis-password-env");
    r.options.verify_tls = !f.insecure;
}

// Reads a secret from the terminal with echo off (never from the command line).
std::string ask_secret(const std::string& prompt) {
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        throw std::runtime_error(
            "cannot prompt for a secret: no terminal (use the -env or -file options)");
    termios saved{};
    ::tcgetattr(tty, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
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

std::string env_secret(const std::string& var, const char* flag) {
    const char* v = std::getenv(var.c_str());
    if (!v) throw CLI::ValidationError(flag, "environment variable " + var + " is not set");
    return v;
}

// Raw values of the SSH flags, validated into an af::app::ssh_config.
struct ssh_flags {
    af::app::ssh_config config;
    run_flags run;
    bool askpass = false, ask_passphrase = false, no_agent = false;
    double connect_timeout = 10, timeout = 0;
    std::string policy = "accept-new", password_env, password_file, passphrase_env;
    dns_flags dns;
};

void add_ssh_session_options(CLI::App& cmd, ssh_flags& f);

void add_ssh_options(CLI::App& cmd, ssh_flags& f) {
    auto& c = f.config;
    cmd.add_option("hosts", c.hosts_file,
                   "File with one [user@]host[:port] per line ('-' for stdin)")
        ->required();
    add_run_options(cmd, c.run, f.run, "host");
    cmd.add_flag("--keep-going", c.keep_going,
                 "Record malformed hosts lines as errors and run the rest");
    add_ssh_session_options(cmd, f);
}

// How to reach and log in to each host (every SSH command, and SSH workers).
void add_ssh_session_options(CLI::App& cmd, ssh_flags& f) {
    auto& c = f.config;
    cmd.add_option("-l,--user", c.default_user,
                   "User for hosts lines without one (default: the local user)");
    cmd.add_option("-p,--port", c.default_port, "Port for hosts lines without one")
        ->default_val(22);
    cmd.add_option("-i,--identity", c.session.auth.identity_files,
                   "Private key file (repeatable; default ~/.ssh/id_*)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--connect-timeout", f.connect_timeout,
                   "Seconds for each of name lookup, connect, handshake and auth")
        ->default_val(10)
        ->check(CLI::PositiveNumber);
    cmd.add_option("--known-hosts", c.session.known_hosts_path,
                   "known_hosts file (default ~/.ssh/known_hosts)");
    cmd.add_option("--global-known-hosts", c.session.global_known_hosts,
                   "Read-only known_hosts file (repeatable; default /etc/ssh/ssh_known_hosts "
                   "and /etc/ssh/ssh_known_hosts2)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--host-key-policy", f.policy,
                   "strict: unknown hosts refused; accept-new: unknown hosts added; "
                   "off: no check. A changed key is always refused")
        ->check(CLI::IsMember({"strict", "accept-new", "off"}))
        ->default_val("accept-new");
    cmd.add_option("--password-env", f.password_env,
                   "Take the password from this environment variable");
    cmd.add_option("--password-file", f.password_file,
                   "Take the password from the first line of FILE")
        ->check(CLI::ExistingFile);
    cmd.add_flag("-A,--askpass", f.askpass, "Prompt for the password once, before connecting");
    cmd.add_option("--passphrase-env", f.passphrase_env,
                   "Take the key passphrase from this environment variable");
    cmd.add_flag("--ask-passphrase", f.ask_passphrase,
                 "Prompt for the key passphrase once, before connecting");
    cmd.add_flag("--no-agent", f.no_agent, "Do not use ssh-agent");
    add_dns_options(cmd, f.dns);
}

void finish_ssh_flags(ssh_flags& f) {
    auto& c = f.config;
    finish_run_options(c.run, f.run);
    if (c.default_user.empty()) c.default_user = af::app::local_user();
    c.session.connect_timeout = seconds(f.connect_timeout);
    c.session.resolve_timeout = c.session.connect_timeout;
    c.session.dns = finish_dns_flags(f.dns);
    c.session.policy = f.policy == "strict" ? af::ssh::host_key_policy::strict
                       : f.policy == "off"  ? af::ssh::host_key_policy::off
                                            : af::ssh::host_key_policy::accept_new;
    c.session.auth.use_agent = !f.no_agent;
    if (!f.password_env.empty())
        c.session.auth.password = env_secret(f.password_env, "--password-env");
    if (!f.password_file.empty()) {
        std::ifstream in(f.password_file);
        std::string line;
        std::getline(in, line);
        c.session.auth.password = line;
    }
    if (f.askpass) c.session.auth.password = ask_secret("Password: ");
    if (!f.passphrase_env.empty())
        c.session.auth.passphrase = env_secret(f.passphrase_env, "--passphrase-env");
    if (f.ask_passphrase) c.session.auth.passphrase = ask_secret("Key passphrase: ");
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "asyncfetch: fetch many URLs and drive many SSH sessions at once, from one thread.\n"
        "Records go to stdout as JSON lines (one per target); messages and the summary to stderr.\n"
        "Exit status: 0 all targets succeeded, 1 some failed, 2 usage or input error, 130 "
        "interrupted.",
        "asyncfetch"};
    app.set_version_flag("-V,--version", std::string("asyncfetch ") + af::version);
    app.require_subcommand(1);

    fetch_flags fetch;
    auto* fetch_cmd =
        app.add_subcommand("fetch", "Fetch every URL in FILE concurrently (the default command)");
    add_fetch_options(*fetch_cmd, fetch);

    crawl_flags crawl;
    auto* crawl_cmd = app.add_subcommand(
        "crawl", "Crawl from the seed URLs in FILE: follow links up to --depth, politely "
                 "(robots.txt, Crawl-delay, per-host limits)");
    add_crawl_options(*crawl_cmd, crawl);

    af::schedule::scheduler_options sched;
    double grace = 10;
    auto* run_cmd = app.add_subcommand(
        "run", "Run the jobs of a JSON config on their schedules (cron or every), until "
               "SIGTERM; SIGHUP reloads the config");
    run_cmd->add_option("config", sched.config_path, "The JSON config (see configs/)")
        ->required()
        ->check(CLI::ExistingFile);
    run_cmd->add_flag("--once", sched.once, "Run every job once, now, and exit");
    run_cmd->add_flag("--dry-run", sched.dry_run,
                      "Check the config and print each job's next 5 fire times");
    run_cmd->add_option("--job", sched.only_job, "Run only the job with this name");
    run_cmd
        ->add_option("--grace", grace,
                     "Seconds running jobs may go on after SIGTERM before they are cancelled")
        ->default_val(10)
        ->check(CLI::NonNegativeNumber);
    run_cmd->add_flag("-q,--quiet", sched.quiet, "No line per run on stderr");

    // enqueue / worker / collect: one job shared through Redis Streams.
    redis_flags enqueue_redis, worker_redis, collect_redis;
    af::app::enqueue_config enqueue;
    auto* enqueue_cmd = app.add_subcommand(
        "enqueue", "Add the URLs in FILE to a job shared through Redis: asyncfetch enqueue "
                   "redis://HOST:PORT/NAME FILE");
    add_redis_options(*enqueue_cmd, enqueue.redis, enqueue_redis);
    enqueue_cmd
        ->add_option("file", enqueue.input,
                     "File with one URL (or with --hosts, one [user@]host[:port]) per line "
                     "('-' for stdin)")
        ->required();
    enqueue_cmd->add_flag("--hosts", enqueue.hosts,
                          "The targets are SSH hosts (for `worker --ssh -- CMD`), not URLs");
    enqueue_cmd->add_flag("--crawl", enqueue.crawl,
                          "The URLs are crawl seeds (for `worker --crawl`): remembered as seen");
    af::app::worker_config worker;
    double worker_timeout = 30, claim_idle = 30;
    auto* worker_cmd = app.add_subcommand(
        "worker", "Fetch the URLs of a job shared through Redis, with other workers anywhere; "
                  "a dead worker's URLs are taken over");
    add_redis_options(*worker_cmd, worker.redis, worker_redis);
    worker_cmd->add_option("-c,--concurrency", worker.concurrency, "URLs in flight (per process)")
        ->default_val(100)
        ->check(CLI::PositiveNumber);
    worker_cmd->add_option("-j,--processes", worker.processes, "Worker processes")
        ->default_val(1)
        ->check(CLI::Range(1, 256));
    auto* worker_per_host =
        worker_cmd->add_option("--per-host", worker.client.per_host,
                               "Requests in flight per host (default: no limit; 8 with --crawl)");
    worker_cmd->add_option("--timeout", worker_timeout, "Seconds for one request attempt")
        ->default_val(30)
        ->check(CLI::PositiveNumber);
    worker_cmd
        ->add_option("--retries", worker.client.retry.retries,
                     "Retries on connect errors, 429, 5xx")
        ->default_val(2);
    worker_cmd->add_flag(
        "-k,--insecure", [&worker](std::int64_t) { worker.client.verify_tls = false; },
        "Do not verify TLS certificates (unsafe)");
    worker_cmd
        ->add_option("--claim-idle", claim_idle,
                     "Seconds after which a URL another worker took and did not finish is "
                     "taken over")
        ->default_val(30)
        ->check(CLI::PositiveNumber);
    worker_cmd->add_flag("--until-done", worker.until_done,
                         "Exit once every enqueued URL has a record (default: run until SIGTERM)");
    worker_cmd->add_flag("-q,--quiet", worker.quiet, "No summary line");
    ssh_flags worker_ssh;
    bool worker_is_ssh = false;
    std::vector<std::string> worker_command;
    worker_cmd->add_flag("--ssh", worker_is_ssh,
                         "The targets are SSH hosts: run the command after -- on each "
                         "(--timeout then limits the command)");
    add_ssh_session_options(*worker_cmd, worker_ssh);
    crawl_flags worker_crawl;
    bool worker_is_crawl = false;
    worker_cmd->add_flag("--crawl", worker_is_crawl,
                         "Crawl: follow the links of each page (the options below), adding new "
                         "URLs to the shared job; the --delay between requests to a host holds "
                         "across all the job's workers");
    add_crawl_only_options(*worker_cmd, worker_crawl);
    worker_cmd->add_option("command", worker_command, "With --ssh: the command (after --)");
    af::app::collect_config collect;
    auto* collect_cmd = app.add_subcommand(
        "collect", "Write the records of a job shared through Redis, one per URL, as they come");
    add_redis_options(*collect_cmd, collect.redis, collect_redis);
    collect_cmd->add_option("-o,--output", collect.output,
                            "Write records to FILE instead of stdout");
    collect_cmd->add_flag("--follow", collect.follow,
                          "Keep waiting for records (default: stop once every URL has one)");
    collect_cmd->add_flag("-q,--quiet", collect.quiet, "No summary line");

    af::app::demo_config demo;
    auto* demo_cmd = app.add_subcommand(
        "demo", "Fetch 50 slow URLs from a built-in local server, then crawl its small site: "
                "serial vs concurrent");
    demo_cmd->add_option("-n,--urls", demo.urls, "How many URLs")
        ->default_val(50)
        ->check(CLI::Range(1, 10000));
    demo_cmd->add_flag("-q,--quiet", demo.quiet, "No per-URL lines");
    demo_cmd->add_option("-o,--output", demo.output, "Write JSON lines records to FILE");
    demo_cmd->add_flag("!--no-crawl", demo.crawl, "Skip part 2, the crawl");

    ssh_flags ssh;
    af::app::exec_config exec;
    std::vector<std::string> command;
    auto* ssh_cmd = app.add_subcommand(
        "ssh", "Run a command on every host in HOSTS at once: asyncfetch ssh HOSTS -- CMD...");
    add_ssh_options(*ssh_cmd, ssh);
    ssh_cmd
        ->add_option("-t,--timeout", ssh.timeout, "Seconds the command may run (default: no limit)")
        ->check(CLI::NonNegativeNumber);
    ssh_cmd->add_option("--out-dir", ssh.config.out_dir,
                        "Write each host's stdout and stderr to DIR/HOST.out and .err");
    ssh_cmd->add_flag("--stream", ssh.config.stream,
                      "Print output lines as they arrive, prefixed with the host");
    ssh_cmd->add_option("--stdin", exec.stdin_path,
                        "Send FILE ('-': this stdin) to every command's stdin, then EOF "
                        "(default: EOF at once); up to 64 MiB");
    ssh_cmd->add_option("command", command, "The command (after --)")->required();

    // put / get: SFTP copies to or from every host.
    ssh_flags put_flags, get_flags;
    af::app::transfer_config put, get;
    auto* put_cmd = app.add_subcommand("put", "Copy a local file or tree (-r) to every host over "
                                              "SFTP: asyncfetch put HOSTS LOCAL REMOTE");
    add_ssh_options(*put_cmd, put_flags);
    put_cmd->add_option("local", put.source, "Local file, or directory with -r")->required();
    put_cmd
        ->add_option("remote", put.destination,
                     "Remote path; an existing remote directory receives LOCAL under its own name")
        ->required();
    auto* get_cmd = app.add_subcommand(
        "get", "Copy a remote file or tree (-r) from every host over SFTP into LOCALDIR/<host>/: "
               "asyncfetch get HOSTS REMOTE LOCALDIR");
    add_ssh_options(*get_cmd, get_flags);
    get_cmd->add_option("remote", get.source, "Remote file, or directory with -r")->required();
    get_cmd
        ->add_option("localdir", get.destination,
                     "Local directory; each host's copy goes in LOCALDIR/<host>/")
        ->required();
    for (auto [cmd, flags, config] :
         {std::tuple{put_cmd, &put_flags, &put}, std::tuple{get_cmd, &get_flags, &get}}) {
        cmd->add_flag("-r,--recursive", config->recursive, "Copy directories and their contents");
        cmd->add_option("-t,--timeout", flags->timeout,
                        "Seconds the copy may take per host (default: no limit)")
            ->check(CLI::NonNegativeNumber);
    }
    get.direction = af::app::transfer_config::get;

    af::report::report_config report;
    auto* report_cmd = app.add_subcommand(
        "report", "Write one self-contained HTML page (charts, tables) from a records file: "
                  "asyncfetch report RECORDS.jsonl [-o report.html]");
    report_cmd->add_option("records", report.records, "JSON lines records ('-' for stdin)")
        ->required();
    report_cmd->add_option("-o,--output", report.output,
                           "The page (default: report.html beside the records; '-' for stdout)");
    report_cmd->add_flag("--keep-going", report.keep_going,
                         "Skip malformed lines (counted) instead of stopping at the first");

    // Set after the subcommands, so that only the top-level --help shows it.
    app.footer("fetch is the default command: `asyncfetch urls.txt` is `asyncfetch fetch "
               "urls.txt`.\nasyncfetch COMMAND --help shows a command's options; man asyncfetch "
               "shows them all.");

    // `fetch` is the default: `asyncfetch urls.txt` == `asyncfetch fetch urls.txt`.
    std::vector<std::string> args(argv + 1, argv + argc);
    // The man page and completions, written from the definitions above (at build time).
    if (!args.empty() && args[0] == af::cli::generate_flag)
        return af::cli::generate(app, {args.begin() + 1, args.end()});
    auto is_command = [&app](const std::string& word) {
        const auto cmds =
            app.get_subcommands([&word](CLI::App* sub) { return sub->check_name(word); });
        return !cmds.empty() || word == "-h" || word == "--help" || word == "-V" ||
               word == "--version";
    };
    const bool named = !args.empty() && is_command(args[0]);
    if (!args.empty() && !named) args.insert(args.begin(), "fetch");
    std::reverse(args.begin(), args.end()); // CLI11 takes a vector in reverse order

    try {
        app.parse(args);
        if (fetch_cmd->parsed()) finish_fetch_flags(fetch);
        if (crawl_cmd->parsed()) finish_crawl_flags(crawl);
        sched.grace = std::chrono::milliseconds(std::llround(grace * 1000));
        if (enqueue_cmd->parsed()) finish_redis_flags(enqueue.redis, enqueue_redis);
        if (worker_cmd->parsed()) {
            finish_redis_flags(worker.redis, worker_redis);
            worker.client.limits.request = seconds(worker_timeout);
            worker.claim_idle = std::chrono::milliseconds(std::llround(claim_idle * 1000));
            // --resolver and --dns-servers come with the SSH session options.
            worker.client.dns = worker.redis.options.dns = finish_dns_flags(worker_ssh.dns);
            if (worker_is_ssh != !worker_command.empty())
                throw CLI::ValidationError("--ssh", "--ssh needs a command after --, and a "
                                                    "command needs --ssh");
            if (worker_is_crawl) {
                if (worker_is_ssh) throw CLI::ValidationError("--crawl", "not with --ssh");
                if (worker_per_host->count() == 0)
                    worker.client.per_host = af::crawl::polite_per_host;
                finish_crawl_only_flags(worker_crawl);
                af::streams::crawl_mode mode;
                mode.options = worker_crawl.crawl;
                mode.client = worker.client;
                worker.crawl = mode;
            }
            if (worker_is_ssh) {
                finish_ssh_flags(worker_ssh);
                af::app::exec_config exec;
                exec.ssh = worker_ssh.config;
                exec.ssh.command_timeout = seconds(worker_timeout);
                for (const auto& word : worker_command)
                    exec.command += (exec.command.empty() ? "" : " ") + word;
                worker.ssh = exec;
            }
        }
        if (collect_cmd->parsed()) finish_redis_flags(collect.redis, collect_redis);
        if (ssh_cmd->parsed()) {
            finish_ssh_flags(ssh);
            ssh.config.command_timeout = seconds(ssh.timeout);
            // With --stream, stdout carries the output lines: records only with -o.
            if (ssh.config.stream && ssh.run.output.empty()) ssh.config.run.output.path = "none";
            exec.ssh = ssh.config;
            for (const auto& word : command)
                exec.command += (exec.command.empty() ? "" : " ") + word;
        }
        for (auto [cmd, flags, config] :
             {std::tuple{put_cmd, &put_flags, &put}, std::tuple{get_cmd, &get_flags, &get}}) {
            if (!cmd->parsed()) continue;
            finish_ssh_flags(*flags);
            flags->config.command_timeout = seconds(flags->timeout);
            config->ssh = flags->config;
        }
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return af::app::exit_usage;
    }

    // Many concurrent connections need many descriptors.
    af::raise_open_files_limit();
    try {
        if (fetch_cmd->parsed()) return af::app::run_fetch(fetch.config);
        if (crawl_cmd->parsed()) {
            const auto& f = crawl.fetch.config;
            return af::app::run_crawl({f.input, f.keep_going, f.run, f.client, crawl.crawl});
        }
        if (demo_cmd->parsed()) return af::app::run_demo(demo);
        if (report_cmd->parsed()) return af::report::run_report(report);
        if (run_cmd->parsed()) return af::schedule::run_scheduler(sched);
        if (enqueue_cmd->parsed()) return af::app::run_enqueue(enqueue);
        if (worker_cmd->parsed()) return af::app::run_worker(worker);
        if (collect_cmd->parsed()) return af::app::run_collect(collect);
        if (ssh_cmd->parsed()) return af::app::run_ssh(exec);
        if (put_cmd->parsed()) return af::app::run_transfer(put);
        if (get_cmd->parsed()) return af::app::run_transfer(get);
    } catch (const std::exception& e) {
        std::cerr << "asyncfetch: " << af::error_message(e) << "\n";
        return af::app::exit_usage;
    }
    return af::app::exit_usage;
}
