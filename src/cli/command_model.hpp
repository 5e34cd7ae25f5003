// The command line as data, read from the CLI11 App tree that parses it. The
// man page and the shell completions are generated from this, so they say
// what --help says and cannot drift from it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace asyncfetch::cli {

// What a shell should offer for an option's or argument's value.
enum class value_kind { none, file, choice, host, env_var, user, command };

struct option_doc {
    std::vector<std::string> names; // "-c", "--concurrency"; an argument: its name
    std::string type_name;          // "UINT:POSITIVE", as --help shows it; empty for a flag
    std::string metavar;            // "UINT": the value's type alone
    std::string description;
    std::string default_value;
    bool flag = false, positional = false, required = false, repeatable = false;
    value_kind kind = value_kind::none;
    std::vector<std::string> choices;
};

struct command_doc {
    std::string name, description;
    std::vector<option_doc> options;   // in --help order
    std::vector<option_doc> arguments; // positionals, in order
};

// `app`'s own options and arguments (help and version included).
command_doc describe_command(const CLI::App& app);

// The visible subcommands of `app`, in the order they were added.
std::vector<command_doc> describe_subcommands(const CLI::App& app);

// "-c, --concurrency" / "FILE": how the option is written in prose.
std::string display_names(const option_doc& option);

} // namespace asyncfetch::cli
