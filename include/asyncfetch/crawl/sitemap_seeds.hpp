// --sitemaps: before the crawl, the sitemaps of each seed's origin (its
// robots.txt Sitemap: lines and /sitemap.xml, and the sitemaps their
// indexes name) are read and their URLs offered to the frontier as depth-0
// entries whose parent is the sitemap, with their lastmod. Scope, filters
// and the page cap apply as to links; robots.txt still decides which are
// fetched (a sitemap itself is not read where robots.txt disallows it).
#pragma once

#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/http/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace asyncfetch::crawl {

// Sitemap files read per crawl at most (indexes included).
inline constexpr std::size_t max_sitemap_files = 1000;

struct sitemap_context {
    http::client& client;
    page_fetcher& fetcher;
    frontier& queue;
    const crawl_options& options;
    crawl_counts& counts;
    journal* state; // may be null
};

boost::asio::awaitable<void> seed_from_sitemaps(sitemap_context c,
                                                const std::vector<std::string>& seeds);

} // namespace asyncfetch::crawl
