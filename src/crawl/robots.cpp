#include "asyncfetch/crawl/robots.hpp"

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/crawl/normalize.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace asyncfetch::crawl {
namespace {

// One group: the agents it names and what it says.
struct group {
    std::vector<std::string> agents;
    std::vector<std::pair<std::string, bool>> rules;
    std::optional<std::chrono::milliseconds> delay;
};

} // namespace

bool robots_pattern_matches(std::string_view pattern, std::string_view target) {
    const bool anchored = !pattern.empty() && pattern.back() == '$';
    if (anchored) pattern.remove_suffix(1);
    // Glob with '*' only: classic two-pointer match with one backtrack point.
    std::size_t p = 0, t = 0, star = std::string_view::npos, star_t = 0;
    while (true) {
        if (p == pattern.size()) {
            if (!anchored || t == target.size()) return true;
        } else if (pattern[p] == '*') {
            star = p++;
            star_t = t;
            continue;
        } else if (t < target.size() && pattern[p] == target[t]) {
            ++p, ++t;
            continue;
        }
        if (star == std::string_view::npos || star_t >= target.size()) return false;
        p = star + 1;
        t = ++star_t;
    }
}

robots_rules robots_rules::disallow_all() {
    robots_rules r;
    r.rules_.push_back({"/", false});
    return r;
}

robots_rules robots_rules::parse(std::string_view text, std::string_view product) {
    std::vector<group> groups;
    std::vector<std::string> sitemaps;
    bool in_agent_lines = false; // consecutive User-agent lines share one group
    while (!text.empty()) {
        const auto eol = text.find_first_of("\r\n");
        auto line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        if (const auto hash = line.find('#'); hash != std::string_view::npos)
            line = line.substr(0, hash);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const auto key = lower(trim(line.substr(0, colon)));
        const auto value = trim(line.substr(colon + 1));
        if (key == "sitemap") { // outside the groups (RFC 9309 2.2.4)
            if (!value.empty() && sitemaps.size() < max_robots_sitemaps)
                sitemaps.emplace_back(value);
            continue;
        }
        if (key == "user-agent") {
            if (!in_agent_lines) groups.emplace_back();
            groups.back().agents.push_back(lower(value));
            in_agent_lines = true;
            continue;
        }
        in_agent_lines = false;
        if (groups.empty()) continue; // rules before any User-agent line
        if (key == "allow" || key == "disallow") {
            if (!value.empty())
                groups.back().rules.emplace_back(percent_normal(value), key == "allow");
        } else if (key == "crawl-delay") {
            double seconds = 0;
            const auto* end = value.data() + value.size();
            if (auto [p, ec] = std::from_chars(value.data(), end, seconds);
                ec == std::errc{} && seconds >= 0 && std::isfinite(seconds))
                groups.back().delay = std::chrono::milliseconds(std::llround(seconds * 1000));
        }
    }

    // Our token's groups if any name it, otherwise the '*' groups.
    const auto token = lower(product);
    auto names_us = [&token](const std::string& agent) {
        return agent.substr(0, agent.find_first_of("/ ")) == token;
    };
    bool specific = false;
    for (const auto& g : groups)
        specific = specific || std::any_of(g.agents.begin(), g.agents.end(), names_us);
    robots_rules out;
    out.sitemaps_ = std::move(sitemaps);
    for (const auto& g : groups) {
        const bool applies =
            specific ? std::any_of(g.agents.begin(), g.agents.end(), names_us)
                     : std::find(g.agents.begin(), g.agents.end(), "*") != g.agents.end();
        if (!applies) continue;
        for (const auto& [pattern, allow] : g.rules)
            out.rules_.push_back({pattern, allow});
        if (g.delay) out.delay_ = std::max(out.delay_.value_or(*g.delay), *g.delay);
    }
    return out;
}

bool robots_rules::allows(std::string_view raw_target) const {
    const auto target = percent_normal(raw_target);
    if (target == "/robots.txt") return true;
    const rule* best = nullptr;
    for (const auto& r : rules_) {
        if (!robots_pattern_matches(r.pattern, target)) continue;
        if (!best || r.pattern.size() > best->pattern.size() ||
            (r.pattern.size() == best->pattern.size() && r.allow))
            best = &r;
    }
    return !best || best->allow;
}

} // namespace asyncfetch::crawl
