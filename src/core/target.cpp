#include "asyncfetch/core/target.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace asyncfetch {
namespace {

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

} // namespace

input_file read_targets(std::istream& in, const target_validator& validate) {
    input_file result;
    std::string raw;
    std::size_t line_no = 0;
    while (std::getline(in, raw)) {
        ++line_no;
        const auto text = trim(raw);
        if (text.empty() || text.front() == '#') continue;
        if (auto problem = validate ? validate(text) : std::nullopt) {
            result.problems.push_back({line_no, std::move(*problem), std::string(text)});
            continue;
        }
        result.targets.push_back({result.targets.size(), line_no, std::string(text)});
    }
    return result;
}

input_file read_targets_file(const std::string& path, const target_validator& validate) {
    if (path == "-") return read_targets(std::cin, validate);
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
        out += name;
        if (p.line > 0) out += ":" + std::to_string(p.line);
        out += ": " + p.message + "\n";
    }
    return out;
}

} // namespace asyncfetch
