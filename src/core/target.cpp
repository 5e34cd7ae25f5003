#include "asyncfetch/core/target.hpp"

#include "asyncfetch/core/text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace asyncfetch {
namespace {

// std::getline with a cap: false at the end of input, or when the line is
// longer than `max` (then `raw` holds its first `max` bytes and `too_long` is set).
bool read_line(std::istream& in, std::string& raw, std::size_t max, bool& too_long) {
    raw.clear();
    too_long = false;
    std::streambuf* buf = in.rdbuf();
    for (;;) {
        const int c = buf->sbumpc();
        if (c == std::char_traits<char>::eof()) {
            in.setstate(std::ios::eofbit);
            return !raw.empty();
        }
        if (c == '\n') return true;
        if (raw.size() == max) {
            too_long = true;
            return true;
        }
        raw.push_back(static_cast<char>(c));
    }
}

} // namespace

input_file read_targets(std::istream& in, const target_validator& validate) {
    input_file result;
    std::string raw;
    std::size_t line_no = 0;
    errno = 0;
    bool too_long = false;
    while (in.rdbuf() && read_line(in, raw, max_target_line, too_long)) {
        ++line_no;
        // No target is that long, and what follows may never end (/dev/zero):
        // the file is not a list of targets.
        if (too_long) {
            result.problems.insert(result.problems.begin(),
                                   {0,
                                    "line " + std::to_string(line_no) + " is longer than " +
                                        std::to_string(max_target_line) +
                                        " bytes; nothing past it was read",
                                    ""});
            return result;
        }
        std::string_view line = raw;
        // A UTF-8 byte order mark (editors on Windows write one) is not part of the target.
        if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
        const auto text = trim(line);
        if (text.empty() || text.front() == '#') continue;
        if (auto problem = validate ? validate(text) : std::nullopt) {
            result.problems.push_back({line_no, std::move(*problem), std::string(text)});
            continue;
        }
        result.targets.push_back({result.targets.size(), line_no, std::string(text)});
    }
    // A read that failed (a directory, an I/O error) is no list at all, not an empty one.
    if (in.bad()) {
        const int error = errno ? errno : EIO;
        result.problems.insert(result.problems.begin(),
                               {0, std::string("cannot read: ") + std::strerror(error), ""});
    }
    return result;
}

input_file read_targets_file(const std::string& path, const target_validator& validate) {
    if (path == "-") return read_targets(std::cin, validate);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        input_file failed;
        failed.problems.push_back({0, "is a directory, not a list of targets", path});
        return failed;
    }
    std::ifstream in(path);
    if (!in) {
        input_file failed;
        failed.problems.push_back({0, std::string("cannot open: ") + std::strerror(errno), path});
        return failed;
    }
    return read_targets(in, validate);
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
