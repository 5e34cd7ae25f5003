#include "asyncfetch/app/target_input.hpp"

#include <iostream>
#include <utility>
#include <variant>

namespace asyncfetch::app {

target_input::target_input(std::vector<target> targets, std::vector<input_problem> problems)
    : held_(true), targets_(std::move(targets)), problems_(std::move(problems)),
      count_(targets_.size()) {}

target_input::target_input(std::string path, target_validator validate, bool keep_going)
    : path_(std::move(path)), validate_(std::move(validate)), keep_going_(keep_going) {}

bool input_is_usable(const std::string& path, const std::vector<input_problem>& problems,
                     bool keep_going) {
    const bool unreadable = !problems.empty() && problems.front().line == 0;
    if (unreadable || (!problems.empty() && !keep_going)) {
        std::cerr << format_problems(path, problems);
        if (!unreadable)
            std::cerr << "asyncfetch: nothing was run; fix the lines above or use --keep-going\n";
        return false;
    }
    return true;
}

bool target_input::report(const input_file& read) {
    return input_is_usable(path_, read.problems, keep_going_);
}

bool target_input::check() {
    if (held_ || path_ == "-") return true;
    input_file read; // its problems only: the targets are counted, not kept
    input_problem unopened;
    auto in = open_target_list(path_, unopened);
    if (!in) {
        read.problems.push_back(std::move(unopened));
        return report(read);
    }
    target_reader reader(*in, validate_);
    while (auto item = reader.next()) {
        if (std::holds_alternative<target>(*item)) {
            ++count_;
            continue;
        }
        add_input_problem(read.problems, std::move(std::get<input_problem>(*item)));
    }
    problems_ = read.problems;
    return report(read);
}

bool target_input::hold_stdin() {
    if (held_ || path_ != "-") return true;
    auto read = read_targets(std::cin, validate_);
    if (!report(read)) return false;
    held_ = true;
    targets_ = std::move(read.targets);
    problems_ = std::move(read.problems);
    count_ = targets_.size();
    return true;
}

target_source target_input::pass() {
    if (held_) return source_of(targets_);
    // Standard input is not ours to close; a file lives as long as its pass.
    std::shared_ptr<std::istream> in(&std::cin, [](std::istream*) {});
    if (path_ != "-") {
        input_problem unopened;
        in = open_target_list(path_, unopened);
        if (!in) {
            stopped_by_.push_back(std::move(unopened));
            return {[] { return std::optional<target>(); }, 0};
        }
    }
    // The file was checked: its bad lines are skipped by number (in order),
    // not checked again. Standard input is checked as it streams.
    const bool streaming = path_ == "-";
    auto reader = std::make_shared<target_reader>(*in, streaming ? validate_ : nullptr);
    auto next = [this, in, reader, streaming, skip = std::size_t{0}, index = std::size_t{0},
                 ended = false]() mutable -> std::optional<target> {
        while (!ended) {
            auto item = reader->next();
            if (!item) break;
            if (auto* t = std::get_if<target>(&*item)) {
                if (skip < problems_.size() && problems_[skip].line == t->line) {
                    ++skip;
                    continue;
                }
                t->index = index++;
                return std::move(*t);
            }
            auto& p = std::get<input_problem>(*item);
            if (streaming && p.line > 0 && keep_going_) {
                if (on_streamed_problem) on_streamed_problem(p);
                continue;
            }
            // (A file: one that can no longer be read, or changed since it was checked.)
            stopped_by_.push_back(std::move(p));
            break;
        }
        ended = true;
        return std::nullopt;
    };
    target_source source{std::move(next), count_};
    // A pipe may never end: after a cancel its rest is not waited for.
    source.read_rest_when_cancelled = !streaming;
    return source;
}

} // namespace asyncfetch::app
