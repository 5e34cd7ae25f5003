// Small text helpers shared by the parsers (ASCII only: protocol tokens,
// header values, host names, cron names).
#pragma once

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch {

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A TCP/UDP port written as decimal digits, 1-65535; nullopt for anything
// else (empty, a sign, trailing text, 0, too large).
inline std::optional<std::uint16_t> port_number(std::string_view digits) {
    unsigned long port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(port);
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

// Input text made safe to print on a terminal: control characters (ESC, CR,
// BEL, DEL, ...) become \xNN, so a hostile line cannot move the cursor or
// rewrite what the user sees. Other bytes, UTF-8 included, stay as they are.
inline std::string printable(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7f) {
            out += ch;
            continue;
        }
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

} // namespace asyncfetch
