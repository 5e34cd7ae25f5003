// local: a local command per target, run concurrently like `ssh`.
#include "commands.hpp"
#include "options.hpp"

#include "asyncfetch/app/local.hpp"

namespace asyncfetch::cli {
namespace {

class local_command : public command {
public:
    explicit local_command(CLI::App& app)
        : command(app.add_subcommand(
              "local", "Run a local command for every target in TARGETS at once: "
                       "asyncfetch local TARGETS -- CMD {} ({} the target, {host} its host, "
                       "{url} the URL; no placeholder: the target is the last argument)")) {}
    void define() override {
        auto& c = config_;
        app_->add_option("targets", c.targets_file, "File with one target per line ('-' for stdin)")
            ->required();
        add_run_options(*app_, c.run, run_, "command");
        app_->add_flag("--keep-going", c.keep_going,
                       "Record lines that do not fit the placeholders as errors and run the rest");
        add_duration(*app_, "--timeout", c.timeout, zero::allowed,
                     "How long each command may run (0: no limit); then its process group gets "
                     "SIGTERM");
        add_duration(*app_, "--kill-after", c.kill_grace, zero::refused,
                     "After a timeout's SIGTERM, how long before SIGKILL");
        app_->add_flag("--shell", c.shell,
                       "Run the words joined as one sh -c script (placeholders single-quoted); "
                       "default: the words are the argv, no shell");
        app_->add_option("command", c.command, "The command and its arguments (after --)")
            ->required();
    }
    void finish() override {
        finish_run_options(config_.run, run_);
        if (auto problem = app::command_problem(config_.command))
            throw CLI::ValidationError("command", *problem);
    }
    int run() override { return app::run_local(config_); }

private:
    run_flags run_;
    app::local_config config_;
};

} // namespace

void add_local_command(CLI::App& app, command_list& out) {
    out.push_back(std::make_unique<local_command>(app));
}

} // namespace asyncfetch::cli
