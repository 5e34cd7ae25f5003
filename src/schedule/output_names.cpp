#include "asyncfetch/schedule/output_names.hpp"

#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncfetch::schedule {
namespace {

// A template as a pattern: a sequence of one-character steps, each a literal
// or "a digit", optionally repeated (zero or more times).
struct step {
    char literal = 0; // 0: any digit
    bool repeats = false;
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Both steps can take the same character.
bool overlap(const step& x, const step& y) {
    if (x.literal && y.literal) return x.literal == y.literal;
    if (x.literal) return is_digit(x.literal);
    if (y.literal) return is_digit(y.literal);
    return true;
}

std::vector<step> pattern_of(const std::string& pattern, const std::string& job) {
    std::string text;
    for (std::size_t at = 0; at < pattern.size();) {
        if (pattern.compare(at, 5, "{job}") == 0) {
            text += job;
            at += 5;
        } else {
            text += pattern[at++];
        }
    }
    // "out/./x" and "out/x" are one file (placeholders hold no '/' or '.').
    text = std::filesystem::path(text).lexically_normal().string();
    std::vector<step> steps;
    const std::string_view s = text;
    for (std::size_t at = 0; at < s.size();) {
        if (s.substr(at, 6) == "{time}") { // 20261123T101500Z
            for (const char c : std::string_view("ddddddddTddddddZ"))
                steps.push_back({c == 'd' ? '\0' : c});
            at += 6;
        } else if (s.substr(at, 5) == "{run}") { // 1, 2, ..., 10, ...
            steps.push_back({});
            steps.push_back({'\0', true});
            at += 5;
        } else {
            steps.push_back({s[at++]});
        }
    }
    return steps;
}

} // namespace

// Whether the two patterns share a string: a walk over pairs of positions
// (the product of the two automata), each pair visited once.
bool outputs_can_collide(const std::string& a, const std::string& a_job, const std::string& b,
                         const std::string& b_job) {
    const auto x = pattern_of(a, a_job), y = pattern_of(b, b_job);
    const std::size_t width = y.size() + 1;
    std::vector<bool> seen((x.size() + 1) * width);
    std::vector<std::pair<std::size_t, std::size_t>> todo{{0, 0}};
    while (!todo.empty()) {
        const auto [i, j] = todo.back();
        todo.pop_back();
        if (seen[i * width + j]) continue;
        seen[i * width + j] = true;
        if (i == x.size() && j == y.size()) return true;
        if (i < x.size() && x[i].repeats) todo.emplace_back(i + 1, j); // repeated no more
        if (j < y.size() && y[j].repeats) todo.emplace_back(i, j + 1);
        if (i < x.size() && j < y.size() && overlap(x[i], y[j]))
            todo.emplace_back(x[i].repeats ? i : i + 1, y[j].repeats ? j : j + 1);
    }
    return false;
}

} // namespace asyncfetch::schedule
