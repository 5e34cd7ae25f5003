// The crawl itself: workers on one event loop take URLs from the frontier,
// fetch them politely (robots.txt once per host, Crawl-delay or --delay
// between requests to a host, the client's per-host limit) and queue the
// links of every HTML page. Each page fetched, and each seed refused, is
// reported once to the sink.
#pragma once

#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/crawl/html_page.hpp"
#include "asyncfetch/crawl/journal.hpp"
#include "asyncfetch/crawl/robots.hpp"
#include "asyncfetch/http/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asyncfetch::crawl {

// A crawl's default --per-host: polite to each site (Scrapy's
// CONCURRENT_REQUESTS_PER_DOMAIN is 8 too). A plain fetch has no per-host limit.
inline constexpr std::size_t polite_per_host = 8;

struct page {
    crawl_entry entry;
    http::fetch_result result;     // body dropped before it reaches the sink
    std::size_t links = 0;         // http(s) links found on the page
    std::optional<html_page> html; // an HTML page's data (links only with options.links)
    bool with_links = false;       // options.links: html->links go into the record
    bool cancelled = false;        // the crawl stopped before this page was done
    std::string refused;           // why it was not fetched (robots.txt, duplicate seed)
    double elapsed_ms = 0;
};

struct crawl_counts {
    std::size_t robots_refused = 0, out_of_scope = 0, filtered = 0, too_deep = 0, capped = 0;
    std::size_t sitemaps_read = 0, sitemap_urls = 0; // with options.sitemaps
    std::vector<std::string> sitemap_problems;       // the first few
    std::string state_problem;                       // --state files could not be written
    std::string frontier_problem;              // the frontier's spill file failed (entry_queue.hpp)
    std::size_t seen_urls = 0, seen_bytes = 0; // the frontier's seen set
    std::size_t queue_peak = 0, spill_peak = 0; // bytes of queued URLs at most
};

struct crawl_sinks {
    std::function<void(const crawl_entry&)> started; // optional
    std::function<void(page&&)> finished;            // required
    journal* state = nullptr; // --state: restored from, and queued URLs noted in
};

// One page, politely: robots.txt read once per origin (and obeyed unless
// ignore_robots), the politeness gap per origin, the fetch, and the page's
// links (HTML only). Used by the crawl below and by distributed crawl workers.
class page_fetcher {
public:
    // Books an origin's next request slot, `gap` after the one before, and
    // says how long to wait for it. Given when several processes crawl the
    // same job, so the gap holds across all of them; without it the slots
    // are this fetcher's own.
    using slot_booker = std::function<boost::asio::awaitable<std::chrono::milliseconds>(
        const std::string& origin, std::chrono::milliseconds gap)>;

    page_fetcher(boost::asio::any_io_executor ex, http::client& client,
                 const crawl_options& options, slot_booker book = {});
    ~page_fetcher();
    page_fetcher(const page_fetcher&) = delete;
    page_fetcher& operator=(const page_fetcher&) = delete;

    // Never throws: a cancel gives a page marked cancelled; robots.txt's
    // refusal a page with `refused` set. `starting` runs as the request goes out.
    boost::asio::awaitable<page> fetch(crawl_entry e, std::vector<std::string>& links,
                                       std::function<void()> starting = {});

    // The robots.txt of `url`'s origin, read once (allow-all with
    // ignore_robots); valid as long as the fetcher.
    boost::asio::awaitable<const robots_rules*> rules_for(const http::http_url& url);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Crawls from `seeds` (index, text) with `workers` fetches in flight at most.
// The client must keep bodies (client_options::keep_body). A cancel stops the
// crawl: pages in flight or still queued are reported as cancelled.
boost::asio::awaitable<crawl_counts>
crawl(http::client& client, const std::vector<std::pair<std::size_t, std::string>>& seeds,
      const crawl_options& options, std::size_t workers, const crawl_sinks& sinks);

} // namespace asyncfetch::crawl
