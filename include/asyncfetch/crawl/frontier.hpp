// The crawl frontier, without I/O: which URLs are still to fetch, and
// whether a newly found link joins them (scope, include/exclude patterns,
// depth, the page cap, and never the same URL twice).
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/crawl/crawl_entry.hpp"
#include "asyncfetch/crawl/entry_queue.hpp"
#include "asyncfetch/crawl/html_page.hpp"
#include "asyncfetch/crawl/seen_set.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <unordered_set>
#include <vector>

namespace asyncfetch::crawl {

enum class scope_kind { same_host, same_domain, prefix };

// Which links a crawl follows.
struct crawl_scope {
    scope_kind kind = scope_kind::same_host;
    std::string prefix; // scope_kind::prefix: a normalised URL
};

struct crawl_options {
    int depth = 1; // links followed from the seeds (0: the seeds only)
    crawl_scope scope;
    std::vector<std::string> include, exclude; // ECMAScript regexes searched in the URL
    bool assets = false;                       // also <link href> and <img src>
    bool sort_query = false;                   // query parameter order does not matter
    bool ignore_robots = false;                // robots.txt is not fetched nor obeyed
    std::chrono::milliseconds delay{0};        // between requests to one host
    std::size_t max_pages = 1000;              // pages fetched at most, seeds included (0: no cap)
    bool sitemaps = false;                     // seed from the seeds' origins' sitemaps
    bool ignore_meta_robots = false;           // follow nofollow pages and rel=nofollow links
    bool links = false;                        // the page's links in its record
    std::vector<extraction> extract;           // XPath text into the record
    std::string state;                         // --state DIR (journal.hpp); "" for none
    // Bytes of queued URLs kept in memory; beyond, the queue spills to
    // DIR/spill under --state, else to an unnamed temporary file (0: no limit).
    std::size_t frontier_memory = std::size_t(64) << 20;
};

// Bounds of the counted options (flags and config keys alike).
inline constexpr long long max_depth = 1000;
inline constexpr long long max_max_pages = 1000000000;

// "same-host", "same-domain" or "prefix:URL" (the URL normalised as
// --sort-query says).
parsed<crawl_scope> parse_scope(const std::string& text, bool sort_query);
// NAME=XPATH (--extract), the XPath checked.
parsed<extraction> parse_extraction(const std::string& text);
// An ECMAScript regex, compiled.
parsed<std::regex> parse_regex(const std::string& pattern);

class frontier {
public:
    enum class verdict { queued, seen, out_of_scope, filtered, too_deep, capped };

    explicit frontier(const crawl_options& options);

    // Seeds are always queued (unless already seen): they set the scope.
    verdict add_seed(std::size_t index, const std::string& url, const std::string& host);
    verdict offer(const std::string& url, const std::string& host, int depth,
                  const std::string& parent, const std::string& lastmod = {});
    // The checks of offer() without the queue, dedup and cap (for workers
    // whose dedup is shared elsewhere); scope hosts come from add_scope_host.
    bool admits(const std::string& url, const std::string& host, int depth) const;
    void add_scope_host(const std::string& host);
    // A URL fetched under another name (a redirect's target) is not fetched again.
    void mark_seen(const std::string& url) { seen_.insert(url); }

    // An entry an earlier run queued (journal.hpp): seen, counted, and
    // queued again unless `done`.
    void restore(const crawl_entry& e, bool done);
    // The entry the last add_seed() or offer() that said `queued` queued.
    const crawl_entry& last_queued() const { return queue_.back(); }

    std::optional<crawl_entry> next() { return queue_.pop(); }
    bool empty() const noexcept { return queue_.empty(); }
    std::size_t accepted() const noexcept { return accepted_; }
    const seen_set& seen() const noexcept { return seen_; }
    const entry_queue& queue() const noexcept { return queue_; }

private:
    bool in_scope(const std::string& url, const std::string& host) const;

    crawl_options options_;
    std::vector<std::regex> include_, exclude_;
    seen_set seen_;
    std::unordered_set<std::string> seed_hosts_, seed_domains_;
    entry_queue queue_;
    std::size_t accepted_ = 0;   // entries ever queued
    std::size_t next_index_ = 0; // for discovered entries, after the seeds
};

} // namespace asyncfetch::crawl
