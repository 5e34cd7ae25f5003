#include "asyncfetch/core/target.hpp"

#include "asyncfetch/core/text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <utility>

namespace asyncfetch {
namespace {

// std::getline with a cap: false at the end of input, or when the line is
// longer than `max` (then `too_long` is set); else `line` is the line,
// without its newline, in `raw` (max + 1 bytes, made at the first line). istream::getline looks for
// the newline in the stream's buffer (memchr) instead of making a call per byte.
bool read_line(std::istream& in, std::unique_ptr<char[]>& raw, std::size_t max, bool& too_long,
               std::string_view& line) {
    too_long = false;
    if (!raw) raw.reset(new char[max + 1]);
    in.getline(raw.get(), static_cast<std::streamsize>(max + 1));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (in.fail()) {
        // `max` bytes stored and the next one no newline; or nothing at all
        // was left (the end of input, or a read error).
        too_long = got == max && !in.eof() && !in.bad();
        return too_long;
    }
    // A newline ended it (and counts in gcount), or the end of input did.
    line = std::string_view(raw.get(), in.eof() ? got : got - 1);
    return true;
}

} // namespace

target_reader::target_reader(std::istream& in, target_validator validate)
    : in_(&in), validate_(std::move(validate)) {
    errno = 0;
}

std::optional<std::variant<target, input_problem>> target_reader::next() {
    bool too_long = false;
    std::string_view line;
    while (!ended_ && in_->rdbuf() && read_line(*in_, raw_, max_target_line, too_long, line)) {
        ++line_;
        // No target is that long, and what follows may never end (/dev/zero):
        // the file is not a list of targets.
        if (too_long) {
            ended_ = true;
            return input_problem{0,
                                 "line " + std::to_string(line_) + " is longer than " +
                                     std::to_string(max_target_line) +
                                     " bytes; nothing past it was read",
                                 ""};
        }
        // A UTF-8 byte order mark (editors on Windows write one) is not part of the target.
        if (line_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
        const auto text = trim(line);
        if (text.empty() || text.front() == '#') continue;
        if (auto problem = validate_ ? validate_(text) : std::nullopt)
            return input_problem{line_, std::move(*problem), std::string(text)};
        return target{targets_++, line_, std::string(text)};
    }
    if (ended_) return std::nullopt;
    ended_ = true;
    // A read that failed (a directory, an I/O error) is no list at all, not an empty one.
    if (in_->bad()) {
        const int error = errno ? errno : EIO;
        return input_problem{0, std::string("cannot read: ") + std::strerror(error), ""};
    }
    return std::nullopt;
}

input_file read_targets(std::istream& in, const target_validator& validate) {
    input_file result;
    target_reader reader(in, validate);
    while (auto item = reader.next()) {
        if (auto* t = std::get_if<target>(&*item)) {
            result.targets.push_back(std::move(*t));
            continue;
        }
        add_input_problem(result.problems, std::move(std::get<input_problem>(*item)));
    }
    return result;
}

void add_input_problem(std::vector<input_problem>& problems, input_problem p) {
    if (p.line == 0)
        problems.insert(problems.begin(), std::move(p));
    else
        problems.push_back(std::move(p));
}

std::unique_ptr<std::istream> open_target_list(const std::string& path, input_problem& problem) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        problem = {0, "is a directory, not a list of targets", path};
        return nullptr;
    }
    auto in = std::make_unique<std::ifstream>(path);
    if (!*in) {
        problem = {0, std::string("cannot open: ") + std::strerror(errno), path};
        return nullptr;
    }
    return in;
}

input_file read_targets_file(const std::string& path, const target_validator& validate) {
    if (path == "-") return read_targets(std::cin, validate);
    input_problem unopened;
    auto in = open_target_list(path, unopened);
    if (!in) {
        input_file failed;
        failed.problems.push_back(std::move(unopened));
        return failed;
    }
    return read_targets(*in, validate);
}

std::string format_problems(const std::string& path, const std::vector<input_problem>& problems) {
    const std::string name = path == "-" ? "<stdin>" : path;
    std::string out;
    for (const auto& p : problems) {
        out += printable(name);
        if (p.line > 0) out += ":" + std::to_string(p.line);
        out += ": " + printable(p.message) + "\n";
    }
    return out;
}

} // namespace asyncfetch
