// robots.txt (RFC 9309): the rules of the group for our product token (or
// '*'), longest match wins, Allow wins ties, '*' and '$' in patterns; plus
// the non-standard Crawl-delay, which a polite crawler honours too.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::crawl {

// The product token matched against robots.txt User-agent lines (and meta
// robots names).
inline constexpr const char* robots_token = "asyncfetch";

inline constexpr std::size_t max_robots_sitemaps = 1000;

class robots_rules {
public:
    // `product` is the crawler's product token ("asyncfetch"), matched
    // case-insensitively against User-agent lines.
    static robots_rules parse(std::string_view text, std::string_view product);
    static robots_rules allow_all() { return {}; }
    // RFC 9309 2.3.1.4: an unreachable robots.txt means nothing may be crawled.
    static robots_rules disallow_all();

    // `target` is a URL's path and query ("/a/b?x=1"); patterns and target
    // are compared after percent_normal() (RFC 9309 2.2.2).
    bool allows(std::string_view target) const;
    std::optional<std::chrono::milliseconds> crawl_delay() const { return delay_; }
    // Its Sitemap: lines, as written (max_robots_sitemaps at most).
    const std::vector<std::string>& sitemaps() const { return sitemaps_; }

private:
    struct rule {
        std::string pattern;
        bool allow;
    };
    std::vector<rule> rules_;
    std::optional<std::chrono::milliseconds> delay_;
    std::vector<std::string> sitemaps_;
};

// Whether a robots.txt path pattern matches the start of `target`.
bool robots_pattern_matches(std::string_view pattern, std::string_view target);

} // namespace asyncfetch::crawl
