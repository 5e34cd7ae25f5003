// enqueue, worker and collect: one job shared through Redis Streams by
// workers anywhere.
#include "commands.hpp"
#include "http_flags.hpp"
#include "ssh_flags.hpp"
#include "tls_flags.hpp"

#include "asyncfetch/app/distributed.hpp"
#include "asyncfetch/app/run_limits.hpp"
#include "asyncfetch/core/secret_source.hpp"
#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/http/options_parse.hpp"

namespace asyncfetch::cli {
namespace {

// The flags of every command that talks to Redis.
void add_redis_options(CLI::App& cmd, app::redis_settings& r) {
    cmd.add_option("redis", r.url,
                   "redis://HOST[:PORT]/NAME or rediss://... (TLS); NAME is the job")
        ->required();
    cmd.add_option("--redis-user", r.options.user, "Redis ACL user (with --redis-password-env)");
    add_parsed(cmd, "--redis-password-env", r.options.password, secret_from_env,
               "Take the Redis password from this environment variable");
    cmd.add_option("--redis-cacert", r.options.ca_file,
                   "rediss: trust the CA certificates in this PEM file")
        ->check(CLI::ExistingFile);
    cmd.add_flag(
        "--redis-insecure", [&r](std::int64_t) { r.options.verify_tls = false; },
        "rediss: do not verify the server's certificate");
}

class enqueue_command : public command {
public:
    explicit enqueue_command(CLI::App& app)
        : command(app.add_subcommand("enqueue", "Add the URLs in FILE to a job shared through "
                                                "Redis: asyncfetch enqueue "
                                                "redis://HOST:PORT/NAME FILE")) {}
    void define() override {
        add_redis_options(*app_, config_.redis);
        app_->add_option("file", config_.input,
                         "File with one URL (or with --hosts, one [user@]host[:port]) per line "
                         "('-' for stdin)")
            ->required();
        app_->add_flag("--hosts", config_.hosts,
                       "The targets are SSH hosts (for `worker --ssh -- CMD`), not URLs");
        app_->add_flag("--crawl", config_.crawl,
                       "The URLs are crawl seeds (for `worker --crawl`): remembered as seen");
    }
    int run() override { return app::run_enqueue(config_); }

private:
    app::enqueue_config config_;
};

class worker_command : public command {
public:
    explicit worker_command(CLI::App& app)
        : command(app.add_subcommand(
              "worker", "Fetch the URLs of a job shared through Redis, with other workers "
                        "anywhere; a dead worker's URLs are taken over")) {}
    void define() override {
        auto& w = config_;
        add_redis_options(*app_, w.redis);
        add_count(*app_, "-c,--concurrency", w.concurrency, 1, app::max_concurrency,
                  "URLs in flight (per process)");
        add_count(*app_, "-j,--processes", w.processes, 1, app::max_processes, "Worker processes");
        per_host_ = add_count(*app_, "--per-host", w.client.per_host, 0, http::max_per_host,
                              "Requests in flight per host (default: no limit; 8 with --crawl)");
        timeout_ = add_duration(*app_, "--timeout", w.client.limits.request, zero::refused,
                                "How long one request attempt may take (as fetch --timeout)");
        command_timeout_ =
            add_duration(*app_, "--command-timeout", ssh_.command_timeout, zero::allowed,
                         "With --ssh: how long the command may run (as ssh --timeout)");
        add_count(*app_, "--retries", w.client.retry.retries, 0, http::max_retries,
                  "Retries on connect errors, 429, 5xx");
        app_->add_flag(
            "-k,--insecure", [&w](std::int64_t) { w.client.verify_tls = false; },
            "Do not verify TLS certificates (unsafe)");
        add_tls_flags(*app_, w.client.tls, key_passphrase_env_);
        add_duration(*app_, "--claim-idle", w.claim_idle, zero::refused,
                     "How long a URL another worker took and did not finish waits before it is "
                     "taken over");
        app_->add_flag("--until-done", w.until_done,
                       "Exit once every enqueued URL has a record (default: run until SIGTERM)");
        app_->add_flag("-q,--quiet", w.quiet, "No summary line");
        app_->add_flag("--ssh", is_ssh_,
                       "The targets are SSH hosts: run the command after -- on each "
                       "(--command-timeout limits it)");
        add_ssh_session_options(*app_, ssh_, session_);
        app_->add_flag("--crawl", is_crawl_,
                       "Crawl: follow the links of each page (the options below), adding new "
                       "URLs to the shared job; the --delay between requests to a host holds "
                       "across all the job's workers");
        add_crawl_options(*app_, crawl_);
        add_request_options(*app_, w.client, request_, false);
        app_->add_option("command", command_, "With --ssh: the command (after --)");
    }

    void finish() override {
        auto& w = config_;
        // --resolver and --dns-servers come with the SSH session options.
        finish_dns_flags(ssh_.session.dns);
        finish_request_options(w.client, request_, "");
        finish_tls_flags(w.client.tls, key_passphrase_env_);
        if (!w.client.cookie_jar.empty())
            throw CLI::ValidationError("--cookie-jar", "a worker keeps cookies per process "
                                                       "and writes no jar");
        // Proxies from the environment, as fetch without --proxy.
        auto proxies = http::choose_proxies(nullptr, nullptr);
        if (!proxies) throw CLI::ValidationError("worker", proxies.problem());
        w.client.proxies = std::move(*proxies);
        w.client.dns = w.redis.options.dns = ssh_.session.dns;
        if (is_ssh_ != !command_.empty())
            throw CLI::ValidationError("--ssh", "--ssh needs a command after --, and a "
                                                "command needs --ssh");
        if (is_crawl_) {
            if (is_ssh_) throw CLI::ValidationError("--crawl", "not with --ssh");
            if (!w.client.method.empty() || !w.client.body.empty())
                throw CLI::ValidationError("--crawl", "a crawl GETs pages: not with -X or --data");
            if (per_host_->count() == 0) w.client.per_host = crawl::polite_per_host;
            finish_crawl_options(crawl_);
            w.crawl = streams::crawl_mode{crawl_.options, w.client};
        }
        if (is_ssh_) finish_ssh();
    }
    int run() override { return app::run_worker(config_); }

private:
    void finish_ssh() {
        // --timeout is the request attempt's, as in fetch. Before, with --ssh
        // it limited the command: that reading stays for one release.
        if (timeout_->count() > 0 && command_timeout_->count() == 0) {
            deprecated_spelling("worker --ssh --timeout", "--command-timeout");
            ssh_.command_timeout = config_.client.limits.request;
        }
        finish_run_options(ssh_.run, run_flags{});
        finish_ssh_session_options(ssh_, session_);
        app::exec_config exec;
        exec.ssh = ssh_;
        for (const auto& word : command_)
            exec.command += (exec.command.empty() ? "" : " ") + word;
        config_.ssh = exec;
    }

    app::worker_config config_;
    app::ssh_config ssh_ = [] {
        app::ssh_config c;
        c.command_timeout = std::chrono::seconds(30); // what an SSH worker always allowed
        return c;
    }();
    ssh_session_flags session_;
    crawl_flags crawl_;
    request_flags request_;
    std::string key_passphrase_env_; // --key-passphrase-env VAR
    bool is_ssh_ = false, is_crawl_ = false;
    std::vector<std::string> command_;
    CLI::Option *per_host_ = nullptr, *timeout_ = nullptr, *command_timeout_ = nullptr;
};

class collect_command : public command {
public:
    explicit collect_command(CLI::App& app)
        : command(app.add_subcommand("collect", "Write the records of a job shared through "
                                                "Redis, one per URL, as they come")) {}
    void define() override {
        add_redis_options(*app_, config_.redis);
        app_->add_option("-o,--output", config_.output, "Write records to FILE instead of stdout");
        app_->add_flag("--follow", config_.follow,
                       "Keep waiting for records (default: stop once every URL has one)");
        app_->add_flag("-q,--quiet", config_.quiet, "No summary line");
    }
    int run() override { return app::run_collect(config_); }

private:
    app::collect_config config_;
};

} // namespace

void add_shared_commands(CLI::App& app, command_list& out) {
    out.push_back(std::make_unique<enqueue_command>(app));
    out.push_back(std::make_unique<worker_command>(app));
    out.push_back(std::make_unique<collect_command>(app));
}

} // namespace asyncfetch::cli
