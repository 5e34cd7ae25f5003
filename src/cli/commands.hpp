// The commands of the asyncfetch binary, one file per family (fetch_commands,
// ssh_commands, shared_commands, run_command, report_commands). Each adds its
// subcommands to the CLI11 app, holds their raw flags, validates them once
// parsed, and runs.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::cli {

class command {
public:
    explicit command(CLI::App* app) : app_(app) {}
    virtual ~command() = default;
    command(const command&) = delete;
    command& operator=(const command&) = delete;

    bool chosen() const { return app_->parsed(); }
    bool names(const std::string& word) const { return app_->check_name(word); }
    // Adds the command's options and arguments. Only the command being run
    // gets them (and every command for --help, the man page and the
    // completions): defining all of them cost more than a one-URL run.
    virtual void define() = 0;
    // After parsing: checks and completes what the flags say; a problem is a
    // CLI::ParseError (exit 2).
    virtual void finish() {}
    // The exit status.
    virtual int run() = 0;

protected:
    CLI::App* app_;
};

using command_list = std::vector<std::unique_ptr<command>>;

// In the order --help lists them.
void add_fetch_commands(CLI::App& app, command_list& out);  // fetch, crawl
void add_run_command(CLI::App& app, command_list& out);     // run
void add_shared_commands(CLI::App& app, command_list& out); // enqueue, worker, collect
void add_demo_command(CLI::App& app, command_list& out);    // demo
void add_ssh_commands(CLI::App& app, command_list& out);    // ssh, put, get
void add_local_command(CLI::App& app, command_list& out);   // local
void add_report_command(CLI::App& app, command_list& out);  // report

} // namespace asyncfetch::cli
