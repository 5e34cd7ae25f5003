// Targets, records and input files: the data every job is made of.
// A job is a list of targets plus an operation awaitable<record>(target);
// every target yields exactly one record, success or error.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace asyncfetch {

struct target {
    std::size_t index = 0; // position in the job, 0-based
    std::size_t line = 0;  // line in the input file, 1-based (0: not from a file)
    std::string text;      // the target as written (URL, hosts line, ...)
};

enum class outcome { ok, failed, cancelled };

struct record {
    outcome result = outcome::ok;
    std::string error;       // empty when ok
    double elapsed_ms = 0;   // from start of the first attempt to the end
    std::uint64_t bytes = 0; // payload bytes received
    nlohmann::ordered_json fields = nlohmann::ordered_json::object(); // the JSON line
    // How the run's limits treated it, for the summary (not in the JSON line):
    double queued_ms = 0;               // waited inside its operation for a slot (--per-host)
    std::size_t in_flight_at_start = 0; // its process's requests on the wire as it began (0: n/a)
};

// A problem with one input line, reported as "FILE:LINE: MESSAGE".
struct input_problem {
    std::size_t line = 0;
    std::string message;
    std::string text; // the offending line, trimmed
};

struct input_file {
    std::vector<target> targets;
    std::vector<input_problem> problems;
};

// Checks one target's text; returns the problem, or nullopt when it is fine.
using target_validator = std::function<std::optional<std::string>(std::string_view)>;

// The longest input line read (a URL, a hosts line); a longer one stops the read.
inline constexpr std::size_t max_target_line = 64 * 1024;

// Reads targets one line at a time, as a run pulls them: nothing but the
// current line is held, so a list of any length is read in fixed memory.
// Same rules as read_targets (which is built on it).
class target_reader {
public:
    target_reader(std::istream& in, target_validator validate);

    // The next target or rejected line; nullopt at the end. A line too long
    // or a read that failed is a problem at line 0 and ends the input.
    std::optional<std::variant<target, input_problem>> next();

    // The line last read, 1-based.
    std::size_t line() const noexcept { return line_; }

private:
    std::istream* in_;
    target_validator validate_;
    std::unique_ptr<char[]> raw_; // a line's bytes: max_target_line + 1, not zeroed
    std::size_t line_ = 0, targets_ = 0;
    bool ended_ = false;
};

// Reads one target per line: surrounding white space trimmed, blank lines and
// lines starting with '#' skipped. Lines the validator rejects become problems.
input_file read_targets(std::istream& in, const target_validator& validate);

// Opens PATH as a list of targets; null, with `problem` (line 0) saying why,
// for a directory or a file that cannot be opened.
std::unique_ptr<std::istream> open_target_list(const std::string& path, input_problem& problem);

// Adds `p` to `problems`: an input that could not be read to its end (line 0)
// is reported first.
void add_input_problem(std::vector<input_problem>& problems, input_problem p);

// Reads PATH ("-" is standard input). An unreadable file is one problem at line 0.
input_file read_targets_file(const std::string& path, const target_validator& validate);

// "FILE:LINE: MESSAGE" lines, as a compiler prints them.
std::string format_problems(const std::string& path, const std::vector<input_problem>& problems);

} // namespace asyncfetch
