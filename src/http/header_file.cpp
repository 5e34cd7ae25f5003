#include "asyncfetch/http/header_file.hpp"

#include <fstream>

namespace asyncfetch::http {

parsed<header_list> read_header_file(const std::string& path) {
    header_list out;
    std::ifstream in(path);
    if (!in) return problem(path + ": cannot read the header file");
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
        const auto colon = line.find(':');
        // The line is not quoted back: it may hold a secret with a typo.
        if (colon == std::string::npos || colon == 0 || line.find_first_of(" \t") < colon)
            return problem(path + ":" + std::to_string(number) + ": expected 'Name: value'");
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        out.emplace_back(line.substr(0, colon), std::move(value));
    }
    return out;
}

} // namespace asyncfetch::http
