#include "asyncfetch/core/nodeset.hpp"

#include "asyncfetch/core/text.hpp"

#include <charconv>
#include <unordered_set>

namespace asyncfetch::nodeset {
namespace {

// Counts multiply: saturate just past the limit so no product overflows.
constexpr std::uint64_t too_many = max_names + 1;

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
    if (a == 0 || b == 0) return 0;
    return a > too_many / b ? too_many : std::min(a * b, too_many);
}

bool leading_zero(std::string_view digits) {
    return digits.size() > 1 && digits.front() == '0';
}

// Digits only, at most 18 of them (no overflow anywhere after).
parsed<std::uint64_t> number(std::string_view digits, std::string_view in) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || digits.size() > 18 || ec != std::errc() ||
        end != digits.data() + digits.size())
        return problem("'" + printable(digits) + "' in '[" + printable(in) +
                       "]' is not a number (at most 18 digits)");
    return n;
}

parsed<range> read_range(std::string_view text, std::string_view in) {
    range r;
    std::string_view step_text;
    const auto slash = text.find('/');
    if (slash != std::string_view::npos) {
        step_text = text.substr(slash + 1);
        text = text.substr(0, slash);
    }
    const auto dash = text.find('-');
    const auto first_text = text.substr(0, dash);
    const auto last_text = dash == std::string_view::npos ? first_text : text.substr(dash + 1);
    auto first = number(first_text, in);
    if (!first) return problem(first.problem());
    auto last = number(last_text, in);
    if (!last) return problem(last.problem());
    r.first = *first;
    r.last = *last;
    if (r.last < r.first)
        return problem("range '" + printable(text) + "' goes down (write " +
                       std::string(last_text) + "-" + std::string(first_text) + ")");
    if (leading_zero(first_text) || leading_zero(last_text)) {
        if (first_text.size() != last_text.size())
            return problem("the bounds of zero-padded range '" + printable(text) +
                           "' differ in width");
        r.width = first_text.size();
    }
    if (slash != std::string_view::npos) {
        auto step = number(step_text, in);
        if (!step || *step == 0)
            return problem("step '" + printable(step_text) + "' in '[" + printable(in) +
                           "]' is not a whole number above 0");
        r.step = *step;
    }
    return r;
}

parsed<std::vector<range>> read_ranges(std::string_view in) {
    if (in.empty()) return problem("empty brackets '[]'");
    std::vector<range> out;
    std::string_view rest = in;
    for (;;) {
        const auto comma = rest.find(',');
        auto r = read_range(rest.substr(0, comma), in);
        if (!r) return problem(r.problem());
        out.push_back(*r);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

std::string padded(std::uint64_t n, std::size_t width) {
    auto s = std::to_string(n);
    if (s.size() < width) s.insert(0, width - s.size(), '0');
    return s;
}

} // namespace

std::uint64_t pattern::count() const {
    std::uint64_t total = 1;
    for (const auto& list : ranges) {
        std::uint64_t in_bracket = 0;
        for (const auto& r : list)
            in_bracket = std::min(in_bracket + r.count(), too_many);
        total = saturating_mul(total, in_bracket);
    }
    return total;
}

void pattern::expand(std::vector<std::string>& out) const {
    // The leftmost bracket varies slowest, as ClusterShell writes them out.
    std::vector<std::string> partial{texts.front()};
    for (std::size_t b = 0; b < ranges.size(); ++b) {
        std::vector<std::string> next;
        for (const auto& head : partial)
            for (const auto& r : ranges[b])
                for (auto n = r.first;; n += r.step) {
                    next.push_back(head + padded(n, r.width) + texts[b + 1]);
                    if (r.last - n < r.step) break;
                }
        partial = std::move(next);
    }
    out.insert(out.end(), partial.begin(), partial.end());
}

parsed<pattern> parse_pattern(std::string_view text) {
    pattern p;
    p.texts.emplace_back();
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == ']') return problem("']' without '[' in '" + printable(text) + "'");
        if (c != '[') {
            p.texts.back() += c;
            ++i;
            continue;
        }
        const auto close = text.find(']', i);
        if (close == std::string_view::npos)
            return problem("missing ']' in '" + printable(text) + "'");
        const auto inside = text.substr(i + 1, close - i - 1);
        if (inside.find('[') != std::string_view::npos)
            return problem("'[' inside brackets in '" + printable(text) + "'");
        if (inside.find(':') != std::string_view::npos) {
            // An IPv6 address: node names never hold ':'.
            p.texts.back() += text.substr(i, close - i + 1);
        } else {
            auto list = read_ranges(inside);
            if (!list) return problem(list.problem());
            p.ranges.push_back(std::move(*list));
            p.texts.emplace_back();
        }
        i = close + 1;
    }
    return p;
}

parsed<std::vector<item>> parse(std::string_view text) {
    std::vector<item> out;
    std::size_t depth = 0, start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] == '[') ++depth;
        if (i < text.size() && text[i] == ']' && depth > 0) --depth;
        if (i < text.size() && (text[i] != ',' || depth > 0)) continue;
        const auto one = text.substr(start, i - start);
        start = i + 1;
        if (one.empty())
            return problem("empty name in '" + printable(text) +
                           "' (two commas, or one at an end)");
        item it;
        if (one.front() == '@') {
            it.group = std::string(one.substr(1));
            if (it.group.empty()) return problem("'@' without a group name");
        } else {
            auto p = parse_pattern(one);
            if (!p) return problem(p.problem());
            it.names = std::move(*p);
        }
        out.push_back(std::move(it));
    }
    return out;
}

parsed<std::vector<std::string>> expand(std::string_view text, const group_map* groups,
                                        std::size_t limit) {
    auto items = parse(text);
    if (!items) return problem(items.problem());
    std::vector<const pattern*> patterns;
    for (const auto& it : *items) {
        if (it.group.empty()) {
            patterns.push_back(&it.names);
            continue;
        }
        const auto found = groups ? groups->find(it.group) : group_map::const_iterator{};
        if (!groups || found == groups->end())
            return problem("unknown group '@" + printable(it.group) + "'" +
                           (groups ? "" : " (no groups file was read)"));
        for (const auto& p : found->second)
            patterns.push_back(&p);
    }
    std::uint64_t total = 0;
    for (const auto* p : patterns)
        total = std::min(total + p->count(), too_many);
    if (total > limit)
        return problem("'" + printable(text.substr(0, 80)) + "' expands to more than " +
                       std::to_string(limit) + " names");
    std::vector<std::string> all;
    all.reserve(total);
    for (const auto* p : patterns)
        p->expand(all);
    // The first of equal names stays (views into `all`: move only afterwards).
    std::vector<bool> first(all.size(), false);
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 0; i < all.size(); ++i)
        first[i] = seen.insert(all[i]).second;
    std::vector<std::string> out;
    out.reserve(seen.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        if (first[i]) out.push_back(std::move(all[i]));
    return out;
}

} // namespace asyncfetch::nodeset
