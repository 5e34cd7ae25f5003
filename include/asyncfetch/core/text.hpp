// Small text helpers shared by the parsers (ASCII only: protocol tokens,
// header values, host names, cron names).
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace asyncfetch {

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

} // namespace asyncfetch
