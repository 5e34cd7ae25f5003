// fetch and crawl: URLs from a file, fetched concurrently (and, for a crawl,
// their links followed).
#include "commands.hpp"
#include "http_flags.hpp"

#include "asyncfetch/app/crawl.hpp"
#include "asyncfetch/app/fetch.hpp"

namespace asyncfetch::cli {
namespace {

// The flags of both: the URL list, the run, the HTTP client.
template <class Config>
void add_url_job_options(CLI::App& cmd, Config& c, run_flags& run, header_flags& headers,
                         bool crawling) {
    cmd.add_option("file", c.input,
                   crawling
                       ? "File with one seed URL per line ('-' for stdin; '#' comments)"
                       : "File with one URL or JSON request object per line ('-' for stdin; '#' "
                         "comments)")
        ->required();
    add_run_options(cmd, c.run, run, "URL", crawling);
    cmd.add_flag("--keep-going", c.keep_going,
                 "Record malformed input lines as errors and fetch the rest");
    add_http_options(cmd, c.client, headers);
}

template <class Config>
void finish_url_job_options(Config& c, const run_flags& run, const header_flags& headers) {
    finish_http_options(c.client, headers);
    finish_run_options(c.run, run);
}

class fetch_command : public command {
public:
    explicit fetch_command(CLI::App& app)
        : command(app.add_subcommand(
              "fetch", "Fetch every URL in FILE concurrently (the default command)")) {}
    void define() override {
        add_url_job_options(*app_, config_, run_, headers_, false);
        add_request_options(*app_, config_.client, request_);
    }
    void finish() override {
        finish_url_job_options(config_, run_, headers_);
        finish_request_options(config_.client, request_, config_.input);
        // Each process has its own cookie store: one jar could hold only one's.
        if (!config_.client.cookie_jar.empty() && config_.run.processes > 1)
            throw CLI::ValidationError("--cookie-jar", "not with -j above 1 (each process keeps "
                                                       "its own cookies)");
    }
    int run() override { return app::run_fetch(config_); }

private:
    app::fetch_config config_;
    run_flags run_;
    header_flags headers_;
    request_flags request_;
};

class crawl_command : public command {
public:
    explicit crawl_command(CLI::App& app)
        : command(app.add_subcommand(
              "crawl", "Crawl from the seed URLs in FILE: follow links up to --depth, politely "
                       "(robots.txt, Crawl-delay, per-host limits)")) {}
    void define() override {
        // A fetch is bounded by -c alone; a crawl is polite to each site by
        // default (crawl_config's client).
        add_url_job_options(*app_, config_, run_, headers_, true);
        add_crawl_options(*app_, crawl_);
        app_->add_option("--state", crawl_.options.state,
                         "Keep the crawl's progress in DIR: a crawl stopped or killed and started "
                         "again with the same DIR resumes (removed once the crawl ends)")
            ->type_name("DIR");
        add_parsed(*app_, "--frontier-memory", crawl_.options.frontier_memory, parse_size,
                   "Memory for queued URLs (e.g. 64M); beyond it the queue spills to a file: "
                   "DIR/spill with --state, else an unnamed temporary file (0: no limit)")
            ->type_name("SIZE")
            ->default_str(format_size(crawl_.options.frontier_memory));
    }
    void finish() override {
        finish_url_job_options(config_, run_, headers_);
        finish_crawl_options(crawl_);
        config_.crawl = crawl_.options;
    }
    int run() override { return app::run_crawl(config_); }

private:
    app::crawl_config config_;
    crawl_flags crawl_;
    run_flags run_;
    header_flags headers_;
};

} // namespace

void add_fetch_commands(CLI::App& app, command_list& out) {
    out.push_back(std::make_unique<fetch_command>(app));
    out.push_back(std::make_unique<crawl_command>(app));
}

} // namespace asyncfetch::cli
