// demo and report: the built-in demonstration, and the HTML page of a
// records file.
#include "commands.hpp"
#include "options.hpp"

#include "asyncfetch/app/demo.hpp"
#include "asyncfetch/report/report_command.hpp"

namespace asyncfetch::cli {
namespace {

class demo_command : public command {
public:
    explicit demo_command(CLI::App& app)
        : command(app.add_subcommand(
              "demo", "Fetch 50 slow URLs from a built-in local server, then crawl its small "
                      "site: serial vs concurrent")) {}
    void define() override {
        add_count(*app_, "-n,--urls", config_.urls, 1, 10000, "How many URLs");
        app_->add_flag("-q,--quiet", config_.quiet, "No per-URL lines");
        app_->add_option("-o,--output", config_.output, "Write JSON lines records to FILE");
        app_->add_flag("!--no-crawl", config_.crawl, "Skip part 2, the crawl");
    }
    int run() override { return app::run_demo(config_); }

private:
    app::demo_config config_;
};

class report_command : public command {
public:
    explicit report_command(CLI::App& app)
        : command(app.add_subcommand(
              "report", "Write one self-contained HTML page (charts, tables) from a records "
                        "file: asyncfetch report RECORDS.jsonl [-o report.html]")) {}
    void define() override {
        app_->add_option("records", config_.records, "JSON lines records ('-' for stdin)")
            ->required();
        app_->add_option("-o,--output", config_.output,
                         "The page (default: report.html beside the records; '-' for stdout)");
        app_->add_flag("--keep-going", config_.keep_going,
                       "Skip malformed lines (counted) instead of stopping at the first");
    }
    int run() override { return report::run_report(config_); }

private:
    report::report_config config_;
};

} // namespace

void add_demo_command(CLI::App& app, command_list& out) {
    out.push_back(std::make_unique<demo_command>(app));
}

void add_report_command(CLI::App& app, command_list& out) {
    out.push_back(std::make_unique<report_command>(app));
}

} // namespace asyncfetch::cli
