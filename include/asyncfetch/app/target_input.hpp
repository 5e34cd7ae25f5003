// A run's targets, read as the run pulls them: a list of any length runs in
// memory that grows with -c, not with the list.
//  - A file is read once before the run to check every line (only its
//    problems and its count are kept), so a bad line anywhere fails the run
//    (exit 2) before any target starts; each pass then reads it again,
//    skipping those lines. It must not change while the run reads it.
//  - Standard input cannot be read twice: it is checked as it streams. A bad
//    line stops the run there: the targets before it were run and have their
//    records, no target after it starts, and the run exits 2 naming the line
//    (--keep-going: an error record in its place, as for a file). A run
//    interrupted (Ctrl-C) leaves the rest of standard input unread, with no
//    records. With --compare it is read whole into memory before the passes.
//    Reads block the event loop: a pipe slower than the run stalls the
//    targets in flight until its next line comes.
//  - Targets given in memory (a crawl's seeds, the scheduler's jobs) are held.
#pragma once

#include "asyncfetch/core/runner.hpp"
#include "asyncfetch/core/target.hpp"

#include <functional>
#include <string>
#include <vector>

namespace asyncfetch::app {

// False, having printed the problems, when the input cannot be used: it
// could not be read, or has a bad line and not keep_going.
bool input_is_usable(const std::string& path, const std::vector<input_problem>& problems,
                     bool keep_going);

class target_input {
public:
    // Held targets; `problems` (rejected under --keep-going) go first.
    explicit target_input(std::vector<target> targets, std::vector<input_problem> problems = {});
    // PATH ("-": standard input), streamed; nothing is read yet.
    target_input(std::string path, target_validator validate, bool keep_going);

    const std::string& path() const noexcept { return path_; }
    bool from_stdin() const noexcept { return !held_ && path_ == "-"; }
    // Targets held in memory (a crawl drives its pass from them).
    const std::vector<target>& held() const noexcept { return targets_; }
    // How many targets, when known before the run (0: standard input).
    std::size_t count() const noexcept { return count_; }

    // Reads a file once to check it: false when it cannot be read, or has a
    // problem and not keep_going (the problems are printed). Standard input
    // is not read here.
    bool check();
    // Reads standard input whole into memory (--compare runs it twice); false
    // as check() is.
    bool hold_stdin();

    // A pass over the targets, from the start (standard input: once).
    target_source pass();

    // Lines rejected before the run (written as error records first).
    const std::vector<input_problem>& problems() const noexcept { return problems_; }
    // Under --keep-going, a bad line of standard input as it is met.
    std::function<void(const input_problem&)> on_streamed_problem;
    // The bad line that stopped standard input, if one did.
    const std::vector<input_problem>& stopped_by() const noexcept { return stopped_by_; }

private:
    bool report(const input_file& read);

    std::string path_;
    target_validator validate_;
    bool keep_going_ = false, held_ = false;
    std::vector<target> targets_;
    std::vector<input_problem> problems_, stopped_by_;
    std::size_t count_ = 0;
};

} // namespace asyncfetch::app
