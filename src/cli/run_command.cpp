// run: the jobs of a JSON config on their schedules.
#include "commands.hpp"
#include "options.hpp"

#include "asyncfetch/schedule/scheduler.hpp"

namespace asyncfetch::cli {
namespace {

class run_command : public command {
public:
    explicit run_command(CLI::App& app)
        : command(app.add_subcommand(
              "run", "Run the jobs of a JSON config on their schedules (cron or every), until "
                     "SIGTERM; SIGHUP reloads the config")) {}
    void define() override {
        auto& o = options_;
        app_->add_option("config", o.config_path, "The JSON config (see configs/)")
            ->required()
            ->check(CLI::ExistingFile);
        app_->add_flag("--once", o.once, "Run every job once, now, and exit");
        app_->add_flag("--dry-run", o.dry_run,
                       "Check the config and print each job's next 5 fire times");
        app_->add_option("--job", o.only_job, "Run only the job with this name");
        add_duration(*app_, "--grace", o.grace, zero::allowed,
                     "How long running jobs may go on after SIGTERM before they are cancelled");
        app_->add_flag("-q,--quiet", o.quiet, "No line per run on stderr");
        app_->add_option("--listen", o.listen,
                         "Serve /metrics (Prometheus), /healthz and a status page on "
                         "ADDRESS:PORT (e.g. 127.0.0.1:9100)")
            ->type_name("ADDRESS:PORT");
        app_->add_option("--listen-token-env", o.listen_token_env,
                         "Require 'Authorization: Bearer TOKEN' on --listen, TOKEN from this "
                         "environment variable (required off loopback)")
            ->type_name("VAR");
    }
    int run() override { return schedule::run_scheduler(options_); }

private:
    schedule::scheduler_options options_;
};

} // namespace

void add_run_command(CLI::App& app, command_list& out) {
    out.push_back(std::make_unique<run_command>(app));
}

} // namespace asyncfetch::cli
