// The asyncfetch command line: parse, build the config, run, map the outcome
// to an exit status. The commands live one family a file (commands.hpp);
// everything else lives in the library.
#include "asyncfetch/app/run.hpp"
#include "asyncfetch/core/error_message.hpp"
#include "asyncfetch/core/open_files.hpp"
#include "asyncfetch/version.hpp"
#include "commands.hpp"
#include "generate.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include <malloc.h>

namespace af = asyncfetch;

namespace {

// glibc's malloc starts by handing blocks over 128 KiB to mmap and trimming
// the heap's top past 128 KiB free, and raises both as big blocks are freed
// (to 32 MiB and 64 MiB at most). Response bodies of a few MiB, many in
// flight, sit near those moving limits: a run either reused its memory or
// gave it back and faulted it in again, request after request, by chance
// (200 gzip bodies of 4 MiB, 20 at once: 67,000 to 296,000 page faults and
// 3.3 to 6.7 s of CPU from run to run; from these limits 8,800 faults in
// every run and 2.6 to 3.5 s). Starting at the upper limits is where malloc
// goes on its own in the good runs; up to 64 MiB of freed memory is kept for
// reuse. Measured: bench/README.md, "The gzip swing: cause and fix".
void settle_malloc_thresholds() {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

} // namespace

int main(int argc, char** argv) {
    settle_malloc_thresholds();
    CLI::App app{
        "asyncfetch: fetch many URLs and drive many SSH sessions at once, from one thread.\n"
        "Records go to stdout as JSON lines (one per target); messages and the summary to stderr.\n"
        "Exit status: 0 all targets succeeded, 1 some failed, 2 usage or input error, 130 "
        "interrupted.",
        "asyncfetch"};
    app.set_version_flag("-V,--version", std::string("asyncfetch ") + af::version);
    app.require_subcommand(1);

    af::cli::command_list commands;
    af::cli::add_fetch_commands(app, commands);
    af::cli::add_run_command(app, commands);
    af::cli::add_shared_commands(app, commands);
    af::cli::add_demo_command(app, commands);
    af::cli::add_ssh_commands(app, commands);
    af::cli::add_local_command(app, commands);
    af::cli::add_report_command(app, commands);

    // Set after the subcommands, so that only the top-level --help shows it.
    app.footer("fetch is the default command: `asyncfetch urls.txt` is `asyncfetch fetch "
               "urls.txt`.\nasyncfetch COMMAND --help shows a command's options; man asyncfetch "
               "shows them all.");

    // `fetch` is the default: `asyncfetch urls.txt` == `asyncfetch fetch urls.txt`.
    std::vector<std::string> args(argv + 1, argv + argc);
    // The man page and completions, written from the definitions above (at build time).
    if (!args.empty() && args[0] == af::cli::generate_flag) {
        for (auto& c : commands)
            c->define();
        return af::cli::generate(app, {args.begin() + 1, args.end()});
    }
    auto is_command = [&app](const std::string& word) {
        const auto cmds =
            app.get_subcommands([&word](CLI::App* sub) { return sub->check_name(word); });
        return !cmds.empty() || word == "-h" || word == "--help" || word == "-V" ||
               word == "--version";
    };
    const bool named = !args.empty() && is_command(args[0]);
    if (!args.empty() && !named) args.insert(args.begin(), "fetch");
    // Only the command named gets its options: defining every command's cost
    // more than a one-URL run. The top-level --help (and a usage error
    // without a command) shows them all; --version needs none.
    const bool all = args.empty() || args[0] == "-h" || args[0] == "--help";
    for (auto& c : commands)
        if (all || c->names(args[0])) c->define();
    std::reverse(args.begin(), args.end()); // CLI11 takes a vector in reverse order

    af::cli::command* chosen = nullptr;
    try {
        app.parse(args);
        for (auto& c : commands)
            if (c->chosen()) chosen = c.get();
        if (chosen) chosen->finish();
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return af::app::exit_usage;
    } catch (const std::exception& e) { // no terminal to prompt on
        std::cerr << "asyncfetch: " << af::error_message(e) << "\n";
        return af::app::exit_usage;
    }
    if (!chosen) return af::app::exit_usage;

    // Many concurrent connections need many descriptors.
    af::raise_open_files_limit();
    try {
        return chosen->run();
    } catch (const std::exception& e) {
        std::cerr << "asyncfetch: " << af::error_message(e) << "\n";
        return af::app::exit_usage;
    }
}
