#include "asyncfetch/crawl/sitemap_seeds.hpp"

#include "asyncfetch/crawl/normalize.hpp"
#include "asyncfetch/crawl/sitemap.hpp"

#include <deque>
#include <set>

namespace asio = boost::asio;

namespace asyncfetch::crawl {
namespace {

constexpr std::size_t max_problems_kept = 10;

void note(crawl_counts& counts, const std::string& problem) {
    if (counts.sitemap_problems.size() < max_problems_kept)
        counts.sitemap_problems.push_back(problem);
}

void count(crawl_counts& counts, frontier::verdict v) {
    switch (v) {
    case frontier::verdict::out_of_scope:
        ++counts.out_of_scope;
        break;
    case frontier::verdict::filtered:
        ++counts.filtered;
        break;
    case frontier::verdict::too_deep:
        ++counts.too_deep;
        break;
    case frontier::verdict::capped:
        ++counts.capped;
        break;
    default:
        break;
    }
}

// One sitemap file fetched and parsed, or why not.
asio::awaitable<parsed<sitemap>> read_one(sitemap_context& c, const http::http_url& url) {
    const auto* rules = co_await c.fetcher.rules_for(url);
    if (!rules->allows(url.request_target)) co_return problem("disallowed by robots.txt");
    auto res = co_await c.client.fetch(url.text);
    if (res.ec) co_return problem(res.error);
    co_return parse_sitemap(std::move(res.body));
}

} // namespace

asio::awaitable<void> seed_from_sitemaps(sitemap_context c, const std::vector<std::string>& seeds) {
    // Sitemap URLs to read: robots.txt's and /sitemap.xml of each seed's origin.
    std::deque<std::string> pending;
    std::set<std::string> origins, queued;
    auto want = [&](const std::string& text) {
        const auto url = normalize_url(text, false);
        if (url && queued.insert(*url).second) pending.push_back(*url);
    };
    for (const auto& seed : seeds) {
        const auto url = http::parse_url(seed);
        if (!url || !origins.insert(url->origin()).second) continue;
        const auto* rules = co_await c.fetcher.rules_for(*url);
        for (const auto& s : rules->sitemaps())
            want(s);
        want(url->origin() + "/sitemap.xml");
    }
    while (!pending.empty() && c.counts.sitemaps_read < max_sitemap_files) {
        const auto text = std::move(pending.front());
        pending.pop_front();
        const auto url = http::parse_url(text).value();
        auto read = co_await read_one(c, url);
        if (!read) {
            note(c.counts, text + ": " + read.problem());
            continue;
        }
        ++c.counts.sitemaps_read;
        for (const auto& entry : read->urls) {
            if (read->index) {
                want(entry.loc);
                continue;
            }
            const auto page = normalize_url(entry.loc, c.options.sort_query);
            if (!page) continue;
            ++c.counts.sitemap_urls;
            const auto host = http::parse_url(*page).value().host;
            const auto verdict = c.queue.offer(*page, host, 0, text, entry.lastmod);
            if (verdict == frontier::verdict::queued && c.state)
                c.state->note_queued(c.queue.last_queued());
            count(c.counts, verdict);
        }
    }
    if (!pending.empty()) note(c.counts, "more than 1000 sitemap files: the rest not read");
}

} // namespace asyncfetch::crawl
