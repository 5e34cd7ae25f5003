// Flags several commands share, and the one way a flag's text is read: by the
// parser next to the option's type, the one the JSON config calls too. A
// parser's problem becomes a usage error naming the flag (exit 2).
#pragma once

#include "asyncfetch/app/run.hpp"
#include "asyncfetch/core/dns_options.hpp"
#include "asyncfetch/core/units.hpp"
#include "asyncfetch/ssh/auth_prompts.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <string>

namespace asyncfetch::cli {

// "--timeout" of "-t,--timeout": the name a message uses.
inline std::string flag_name(const std::string& names) {
    return names.substr(names.rfind(',') + 1);
}

// An option whose text `parse` reads into `out` (parse returns parsed<T>).
template <class T, class Parse>
CLI::Option* add_parsed(CLI::App& cmd, const std::string& names, T& out, Parse parse,
                        const std::string& help) {
    return cmd.add_option_function<std::string>(
        names,
        [&out, parse, flag = flag_name(names)](const std::string& text) {
            auto value = parse(text);
            if (!value) throw CLI::ValidationError(flag, value.problem());
            out = static_cast<T>(std::move(*value));
        },
        help);
}

// A whole number in [lo, hi]; its default shown is `out`'s initial value.
template <class T>
CLI::Option* add_count(CLI::App& cmd, const std::string& names, T& out, long long lo, long long hi,
                       const std::string& help) {
    const auto show = std::to_string(out);
    return add_parsed(
               cmd, names, out, [lo, hi](const std::string& t) { return parse_count(t, lo, hi); },
               help)
        ->type_name(lo < 0 ? "INT" : "UINT")
        ->default_str(show);
}

// A duration ("90s", "1.5s", "200ms", or seconds: "30"): more than zero for a
// timeout, zero allowed for a pause or an optional limit.
enum class zero { refused, allowed };
template <class Duration>
CLI::Option* add_duration(CLI::App& cmd, const std::string& names, Duration& out, zero z,
                          const std::string& help) {
    using std::chrono::milliseconds;
    const auto show = format_duration(std::chrono::duration_cast<milliseconds>(out));
    auto parse = [z](const std::string& t) {
        return z == zero::refused ? parse_timeout(t) : parse_pause(t);
    };
    auto* option = add_parsed(cmd, names, out, parse, help)->type_name("DURATION");
    // Zero means "no limit": no default is shown, as the help says so.
    if (out != Duration::zero()) option->default_str(show);
    return option;
}

// The flags every job has: how many in flight, serial or compared, where
// records go, how chatty.
struct run_flags {
    bool serial = false, quiet = false, fail_fast = false, no_progress = false;
    std::string output;
};

// `one_process`: the job shares state across targets (a crawl's frontier):
// no -j, no --ordered.
void add_run_options(CLI::App& cmd, app::run_settings& run, run_flags& f, const std::string& noun,
                     bool one_process = false);
void finish_run_options(app::run_settings& run, const run_flags& f);

// How names are resolved (every command that connects to hosts by name);
// finish_dns_flags checks the combination.
void add_dns_options(CLI::App& cmd, dns::dns_options& o);
void finish_dns_flags(const dns::dns_options& o);

// A secret from an environment variable, or a usage error naming `flag`.
std::string env_secret(const std::string& var, const std::string& flag);

// Reads a secret from the terminal with echo off (never from the command line).
std::string ask_secret(const std::string& prompt, bool echo = false);
// --askpass: each distinct keyboard-interactive prompt asked once at the
// terminal (its answer kept for the other hosts that ask the same).
ssh::prompt_asker terminal_asker();

// Says on stderr that `old` is a spelling kept for one release.
void deprecated_spelling(const std::string& old, const std::string& now);

} // namespace asyncfetch::cli
