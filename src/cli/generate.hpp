// `asyncfetch --generate man|bash|zsh|fish [FILE]` (hidden; the build runs it):
// the man page and the shell completions, written from the same CLI11
// definitions that parse the command line and print --help.
#pragma once

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace asyncfetch::cli {

inline constexpr const char* generate_flag = "--generate";

// `args`: what follows --generate. Returns the exit status.
int generate(const CLI::App& app, const std::vector<std::string>& args);

void write_man_page(const CLI::App& app, std::ostream& out);
void write_bash_completion(const CLI::App& app, std::ostream& out);
void write_zsh_completion(const CLI::App& app, std::ostream& out);
void write_fish_completion(const CLI::App& app, std::ostream& out);

} // namespace asyncfetch::cli
