#include "asyncfetch/streams/messages.hpp"

#include "asyncfetch/report/json_line.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace asyncfetch::streams {
namespace {

using json = nlohmann::ordered_json;

// Text JSON carries as it is: printable ASCII other than '"' and '\'.
constexpr auto as_is = [] {
    std::array<bool, 256> table{};
    for (int c = 0x20; c < 0x7f; ++c)
        table[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return table;
}();

bool needs_no_escape(std::string_view s) {
    for (const char c : s)
        if (!as_is[static_cast<unsigned char>(c)]) return false;
    return true;
}

void append_json_string(const std::string& text, std::string& out) {
    if (needs_no_escape(text)) {
        out += '"';
        out += text;
        out += '"';
    } else {
        out += json(text).dump(-1, ' ', false, json::error_handler_t::replace);
    }
}

void append_id(std::uint64_t id, std::string& out) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, id).ptr;
    out += "{\"id\":";
    out.append(digits, end);
}

// The shape make_target_message writes, with nothing escaped in the text.
std::optional<target_message> read_plain(std::string_view m) {
    constexpr std::string_view head = "{\"id\":", middle = ",\"target\":\"", tail = "\"}";
    if (!m.starts_with(head) || !m.ends_with(tail)) return std::nullopt;
    m.remove_prefix(head.size());
    m.remove_suffix(tail.size());
    target_message t;
    const auto [end, ec] = std::from_chars(m.data(), m.data() + m.size(), t.id);
    if (ec != std::errc{} || end == m.data() || (*m.data() == '0' && end - m.data() > 1))
        return std::nullopt;
    m.remove_prefix(static_cast<std::size_t>(end - m.data()));
    if (!m.starts_with(middle)) return std::nullopt;
    m.remove_prefix(middle.size());
    if (!needs_no_escape(m)) return std::nullopt;
    t.text = std::string(m);
    return t;
}

// Everything else: the top-level members straight from the parser's events
// (no document is built).
class target_reader : public nlohmann::json_sax<json> {
public:
    explicit target_reader(target_message& t) : t_(t) {}

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t n) override {
        if (n >= 0) number_unsigned(static_cast<number_unsigned_t>(n));
        return true;
    }
    bool number_unsigned(number_unsigned_t n) override {
        if (depth_ == 1 && key_ == "id") {
            t_.id = n;
            has_id_ = true;
        } else if (depth_ == 1 && key_ == "depth") {
            t_.depth = static_cast<int>(std::min<number_unsigned_t>(n, 1u << 30));
        }
        return true;
    }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t& s) override {
        if (depth_ == 1 && key_ == "target") {
            t_.text = std::move(s);
            has_target_ = true;
        } else if (depth_ == 1 && key_ == "parent") {
            t_.parent = std::move(s);
        }
        return true;
    }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return ++depth_, true; }
    bool key(string_t& k) override {
        if (depth_ == 1) key_ = std::move(k);
        return true;
    }
    bool end_object() override { return --depth_, true; }
    bool start_array(std::size_t) override {
        if (depth_ == 0) return false; // the message must be an object
        return ++depth_, true;
    }
    bool end_array() override { return --depth_, true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

    bool complete() const { return has_id_ && has_target_; }

private:
    target_message& t_;
    int depth_ = 0;
    std::string key_;
    bool has_id_ = false, has_target_ = false;
};

} // namespace

std::string make_target_message(std::uint64_t id, const std::string& text) {
    std::string m;
    m.reserve(text.size() + 40);
    append_id(id, m);
    m += ",\"target\":";
    append_json_string(text, m);
    m += '}';
    return m;
}

std::optional<target_message> read_target_message(std::string_view message) {
    if (auto plain = read_plain(message)) return plain;
    target_message t;
    target_reader reader(t);
    if (!json::sax_parse(message, &reader) || !reader.complete()) return std::nullopt;
    return t;
}

std::string make_record_line(std::uint64_t id, const json& fields) {
    std::string line;
    append_id(id, line);
    if (!fields.is_object() || fields.empty()) return line + '}';
    // The fields' opening brace becomes the comma after the id. The line is
    // written once, by the records' own writer (report::append_json: the
    // same bytes as nlohmann's dump, at a fraction of its cost).
    const auto brace = line.size();
    report::append_json(fields, line);
    line[brace] = ',';
    return line;
}

} // namespace asyncfetch::streams
