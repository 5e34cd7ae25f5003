#include "asyncfetch/report/json_line.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace asyncfetch::report {
namespace {

using json = nlohmann::ordered_json;

// nlohmann's escapes for ASCII: the short forms it has, \u00xx for the
// rest below 0x20; DEL and everything else printable as it is.
void append_escaped_ascii(char c, std::string& out) {
    switch (c) {
    case '"':
        out += "\\\"";
        return;
    case '\\':
        out += "\\\\";
        return;
    case '\b':
        out += "\\b";
        return;
    case '\f':
        out += "\\f";
        return;
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\t':
        out += "\\t";
        return;
    default:
        break;
    }
    static constexpr char hex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    out += "\\u00";
    out += hex[byte >> 4];
    out += hex[byte & 0xf];
}

// What each byte needs: 0 nothing, 1 an escape, 2 nlohmann (not ASCII).
constexpr std::array<unsigned char, 256> byte_kinds = [] {
    std::array<unsigned char, 256> kinds{};
    for (int b = 0; b < 0x20; ++b)
        kinds[b] = 1;
    kinds['"'] = kinds['\\'] = 1;
    for (int b = 0x80; b < 0x100; ++b)
        kinds[b] = 2;
    return kinds;
}();

void append_string(const std::string& s, std::string& out) {
    const auto rollback = out.size();
    out += '"';
    std::size_t run = 0; // start of the plain characters not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto kind = byte_kinds[static_cast<unsigned char>(s[i])];
        if (kind == 0) continue;
        if (kind == 2) {
            // Not ASCII: nlohmann's own UTF-8 checks decide what is written.
            out.resize(rollback);
            out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
            return;
        }
        out.append(s, run, i - run);
        append_escaped_ascii(s[i], out);
        run = i + 1;
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

template <class Number>
void append_integer(Number n, std::string& out) {
    std::array<char, 24> digits;
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
    out.append(digits.data(), end);
}

void append_float(double x, std::string& out) {
    if (!std::isfinite(x)) {
        out += "null";
        return;
    }
    std::array<char, 64> digits;
    const auto end = nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), x);
    out.append(digits.data(), end);
}

} // namespace

void append_json(const json& value, std::string& out) {
    switch (value.type()) {
    case json::value_t::object: {
        out += '{';
        bool first = true;
        for (const auto& [key, member] : value.get_ref<const json::object_t&>()) {
            if (!first) out += ',';
            first = false;
            append_string(key, out);
            out += ':';
            append_json(member, out);
        }
        out += '}';
        return;
    }
    case json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& element : value.get_ref<const json::array_t&>()) {
            if (!first) out += ',';
            first = false;
            append_json(element, out);
        }
        out += ']';
        return;
    }
    case json::value_t::string:
        append_string(value.get_ref<const std::string&>(), out);
        return;
    case json::value_t::boolean:
        out += value.get<bool>() ? "true" : "false";
        return;
    case json::value_t::number_integer:
        append_integer(value.get<std::int64_t>(), out);
        return;
    case json::value_t::number_unsigned:
        append_integer(value.get<std::uint64_t>(), out);
        return;
    case json::value_t::number_float:
        append_float(value.get<double>(), out);
        return;
    case json::value_t::null:
        out += "null";
        return;
    default: // binary, discarded: as nlohmann writes them
        out += value.dump(-1, ' ', false, json::error_handler_t::replace);
        return;
    }
}

} // namespace asyncfetch::report
