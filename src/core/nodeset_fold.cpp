// Folding names into a node set: the inverse of nodeset::expand.
#include "asyncfetch/core/nodeset.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace asyncfetch::nodeset {
namespace {

// A number as written in a name: "07" and "7" are different names.
struct number_text {
    std::uint64_t value = 0;
    std::string text;
    bool operator<(const number_text& o) const {
        return std::tie(value, text) < std::tie(o.value, o.text);
    }
    bool operator==(const number_text& o) const { return text == o.text; }
};
using value_set = std::set<number_text>;

// A name as its texts and the numbers between them ("r1n07": "r","n","" and
// 1, 07). Digits inside brackets (an IPv6 address) and runs too long for a
// range stay text.
struct split_name {
    std::vector<std::string> texts;
    std::vector<value_set> numbers;
};

split_name split(const std::string& name) {
    split_name out;
    out.texts.emplace_back();
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    for (std::size_t i = 0; i < name.size();) {
        if (name[i] == '[') {
            const auto close = name.find(']', i);
            const auto end = close == std::string::npos ? name.size() : close + 1;
            out.texts.back() += name.substr(i, end - i);
            i = end;
            continue;
        }
        if (!digit(name[i])) {
            out.texts.back() += name[i++];
            continue;
        }
        auto end = i;
        while (end < name.size() && digit(name[end]))
            ++end;
        const auto digits = name.substr(i, end - i);
        if (digits.size() > 18) {
            out.texts.back() += digits;
        } else {
            out.numbers.push_back({number_text{std::stoull(digits), digits}});
            out.texts.emplace_back();
        }
        i = end;
    }
    return out;
}

// Rows that agree on every number but the `dim`th become one row with the
// union there. Returns whether any rows merged.
bool merge_along(std::vector<std::vector<value_set>>& rows, std::size_t dim) {
    std::map<std::vector<value_set>, value_set> merged;
    for (auto& row : rows) {
        auto key = row;
        key[dim].clear();
        merged[std::move(key)].insert(row[dim].begin(), row[dim].end());
    }
    if (merged.size() == rows.size()) return false;
    rows.clear();
    for (auto& [key, values] : merged) {
        rows.push_back(key);
        rows.back()[dim] = std::move(values);
    }
    return true;
}

// "7", or "[01-03,07,9-10]": consecutive numbers make a run when they print
// alike (a zero-padded run holds numbers of one width only).
std::string bracket(const value_set& values) {
    if (values.size() == 1) return values.begin()->text;
    std::string out = "[";
    auto padded = [](const number_text& n) { return n.text.size() > 1 && n.text[0] == '0'; };
    auto it = values.begin();
    while (it != values.end()) {
        const auto first = it;
        const std::size_t width = padded(*it) ? it->text.size() : 0;
        auto last = it++;
        for (; it != values.end() && it->value == last->value + 1; last = it++) {
            // A padded run takes padded numbers of its width, and unpadded ones
            // as wide (08-11); an unpadded run, unpadded numbers only (9-10).
            const bool fits =
                padded(*it) ? width == it->text.size() : width == 0 || it->text.size() == width;
            if (!fits) break;
        }
        if (out.size() > 1) out += ',';
        out += first->text;
        if (last != first) out += "-" + last->text;
    }
    return out + "]";
}

} // namespace

std::string fold(std::span<const std::string> names) {
    std::map<std::vector<std::string>, std::vector<std::vector<value_set>>> by_texts;
    for (const auto& name : names) {
        auto s = split(name);
        by_texts[std::move(s.texts)].push_back(std::move(s.numbers));
    }
    std::string out;
    for (auto& [texts, rows] : by_texts) {
        const auto dims = texts.size() - 1;
        // The last number first, then each other, until no rows merge.
        for (bool merged = dims > 0; merged;) {
            merged = false;
            for (auto d = dims; d-- > 0;)
                merged = merge_along(rows, d) || merged;
        }
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
        for (const auto& row : rows) {
            if (!out.empty()) out += ',';
            out += texts[0];
            for (std::size_t d = 0; d < dims; ++d)
                out += bracket(row[d]) + texts[d + 1];
        }
    }
    return out;
}

} // namespace asyncfetch::nodeset
