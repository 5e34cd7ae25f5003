#include "asyncfetch/crawl/crawler.hpp"

#include "asyncfetch/core/event.hpp"
#include "asyncfetch/core/runner.hpp"
#include "asyncfetch/crawl/links.hpp"
#include "asyncfetch/crawl/robots.hpp"
#include "asyncfetch/crawl/sitemap_seeds.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace asyncfetch::crawl {
namespace {

// What the crawl knows of one origin (scheme, host, port).
struct host_state {
    enum { unknown, fetching, ready } robots = unknown;
    robots_rules rules;
    std::string robots_problem;   // why robots.txt could not be read, if it could not
    steady::time_point next_slot; // politeness: the earliest start of the next request
};

} // namespace

struct page_fetcher::impl {
    impl(const asio::any_io_executor& executor, http::client& c, const crawl_options& o,
         slot_booker booker)
        : ex(executor), client(c), options(o), book(std::move(booker)), robots_ready(executor) {}

    // Reads the origin's robots.txt once; other fetches for it wait.
    asio::awaitable<void> ensure_robots(host_state& h, const http::http_url& url) {
        while (h.robots == host_state::fetching)
            co_await robots_ready.wait();
        if (h.robots == host_state::ready) co_return;
        h.robots = host_state::fetching;
        auto res = co_await client.fetch(url.origin() + "/robots.txt");
        if (!res.ec) {
            h.rules = robots_rules::parse(res.body, robots_token);
        } else if (res.status >= 400 && res.status < 500) {
            h.rules = robots_rules::allow_all(); // no robots.txt: no rules
        } else {
            h.rules = robots_rules::disallow_all();
            h.robots_problem = res.error;
        }
        h.robots = host_state::ready;
        robots_ready.notify();
    }

    // Waits for this origin's next politeness slot, and books the one after.
    asio::awaitable<void> polite_wait(host_state& h, const std::string& origin) {
        auto gap = options.delay;
        if (!options.ignore_robots) gap = std::max(gap, h.rules.crawl_delay().value_or(gap));
        if (gap.count() <= 0) co_return;
        steady::duration wait{};
        if (book) {
            wait = co_await book(origin, gap);
        } else {
            const auto now = steady::now();
            const auto slot = std::max(now, h.next_slot);
            h.next_slot = slot + gap;
            wait = slot - now;
        }
        if (wait <= steady::duration::zero()) co_return;
        asio::steady_timer timer(ex, wait);
        co_await timer.async_wait(asio::use_awaitable);
    }

    asio::any_io_executor ex;
    http::client& client;
    const crawl_options& options;
    slot_booker book;
    event robots_ready; // notified when a robots.txt has been read
    std::map<std::string, host_state> hosts;
};

page_fetcher::page_fetcher(asio::any_io_executor ex, http::client& client,
                           const crawl_options& options, slot_booker book)
    : impl_(std::make_unique<impl>(ex, client, options, std::move(book))) {}

page_fetcher::~page_fetcher() = default;

asio::awaitable<const robots_rules*> page_fetcher::rules_for(const http::http_url& url) {
    static const auto everything = robots_rules::allow_all();
    if (impl_->options.ignore_robots) co_return &everything;
    auto& h = impl_->hosts[url.origin()];
    co_await impl_->ensure_robots(h, url);
    co_return &h.rules;
}

asio::awaitable<page> page_fetcher::fetch(crawl_entry e, std::vector<std::string>& links,
                                          std::function<void()> starting) {
    auto& m = *impl_;
    const auto start = steady::now();
    page p;
    p.entry = std::move(e);
    try {
        const auto url = http::parse_url(p.entry.url).value();
        const auto origin = url.origin();
        auto& h = m.hosts[origin];
        if (!m.options.ignore_robots) {
            co_await m.ensure_robots(h, url);
            if (!h.rules.allows(url.request_target))
                p.refused = h.robots_problem.empty()
                                ? "disallowed by robots.txt"
                                : "robots.txt unavailable (" + h.robots_problem +
                                      "): not crawled, as RFC 9309 asks";
        }
        if (p.refused.empty()) {
            co_await m.polite_wait(h, origin);
            if (starting) starting();
            p.result = co_await m.client.fetch(p.entry.url);
            const auto& res = p.result;
            const auto final_url = http::parse_url(res.final_url);
            if (!res.ec && is_html(res.content_type) && final_url) {
                const auto& o = m.options;
                p.html = read_html(res.body, *final_url, {o.assets, o.sort_query, o.extract});
                p.links = p.html->links.size();
                // Meta robots nofollow: none of the links; rel=nofollow: not that one.
                if (o.ignore_meta_robots)
                    links = p.html->links;
                else if (!p.html->nofollow)
                    links = p.html->follow;
                p.with_links = o.links;
                if (!o.links) p.html->links = {};
                p.html->follow = {};
            }
            p.result.body = std::string();
        }
    } catch (const boost::system::system_error&) {
        p.cancelled = true; // only a cancel throws here
    }
    p.elapsed_ms = std::chrono::duration<double, std::milli>(steady::now() - start).count();
    co_return p;
}

namespace {

// One crawl's shared state; all of it lives on the crawl's event loop.
class crawl_run {
public:
    crawl_run(asio::any_io_executor ex, http::client& client, const crawl_options& options,
              const crawl_sinks& sinks)
        : options_(options), sinks_(sinks), frontier_(options), fetcher_(ex, client, options),
          wake_(ex) {}

    // What an earlier run with the same --state left.
    void restore() {
        if (!sinks_.state) return;
        const auto& state = *sinks_.state;
        state.replay_frontier(
            [this, &state](crawl_entry&& e) {
                frontier_.restore(e, state.done(e.index));
                if (e.parent.empty()) // a seed: it sets the scope
                    if (const auto url = http::parse_url(e.url))
                        frontier_.add_scope_host(url->host);
            },
            [this](std::string&& url) { frontier_.mark_seen(url); });
    }

    void add_seeds(const std::vector<std::pair<std::size_t, std::string>>& seeds) {
        for (const auto& [index, text] : seeds) {
            const auto parsed = http::parse_url(text);
            if (!parsed) continue; // seeds are checked when the input is read
            if (sinks_.state && sinks_.state->known(index)) continue; // restored
            const auto url = normalize_url(parsed->text, options_.sort_query).value();
            const auto verdict = frontier_.add_seed(index, url, parsed->host);
            if (verdict == frontier::verdict::queued) note_queued();
            if (verdict == frontier::verdict::seen) {
                page p;
                p.entry = {index, url, 0, "", ""};
                p.refused = "duplicate seed: this URL is already in the crawl";
                sinks_.finished(std::move(p));
            }
        }
    }

    // A worker: takes the next URL until none are left and none in flight
    // could add more.
    asio::awaitable<void> work() {
        while (true) {
            auto entry = frontier_.next();
            if (!entry) {
                if (busy_ == 0) {
                    wake_.notify(); // the others see the end too
                    co_return;
                }
                if (!co_await wait_for_change()) co_return;
                continue;
            }
            ++busy_;
            co_await visit(std::move(*entry));
            --busy_;
            wake_.notify();
        }
    }

    // After a cancel: whatever was still queued is reported as cancelled.
    void cancel_queued() {
        while (auto entry = frontier_.next()) {
            page p;
            p.entry = std::move(*entry);
            p.cancelled = true;
            sinks_.finished(std::move(p));
        }
    }

    crawl_counts counts() const {
        auto c = counts_;
        c.frontier_problem = frontier_.queue().problem();
        c.seen_urls = frontier_.seen().size(), c.seen_bytes = frontier_.seen().memory();
        c.queue_peak = frontier_.queue().peak_memory();
        c.spill_peak = frontier_.queue().peak_spilled();
        return c;
    }

    asio::awaitable<void>
    read_sitemaps(http::client& client,
                  const std::vector<std::pair<std::size_t, std::string>>& seeds) {
        std::vector<std::string> seed_urls;
        for (const auto& s : seeds)
            seed_urls.push_back(s.second);
        const sitemap_context context{client, fetcher_, frontier_, options_, counts_, sinks_.state};
        co_await seed_from_sitemaps(context, seed_urls);
        wake_.notify();
    }

private:
    // Waits until another worker changes something; false once cancelled.
    asio::awaitable<bool> wait_for_change() {
        bool cancelled = false;
        try {
            co_await wake_.wait();
        } catch (const boost::system::system_error&) {
            cancelled = true;
        }
        co_return !cancelled;
    }

    // Fetches one page and queues its links; reports it (or, for a seed, why
    // it was refused: found links robots.txt keeps out are only counted).
    asio::awaitable<void> visit(crawl_entry e) {
        std::vector<std::string> links;
        std::function<void()> starting;
        if (sinks_.started) starting = [this, &e] { sinks_.started(e); };
        auto p = co_await fetcher_.fetch(e, links, starting);
        if (!p.refused.empty() && !p.entry.parent.empty()) { // not a seed
            ++counts_.robots_refused;
            co_return;
        }
        if (!p.result.ec && !p.cancelled && p.refused.empty()) queue_links(p, links);
        sinks_.finished(std::move(p));
    }

    void queue_links(const page& p, const std::vector<std::string>& links) {
        if (const auto final_url = normalize_url(p.result.final_url, options_.sort_query)) {
            frontier_.mark_seen(*final_url);
            if (sinks_.state && *final_url != p.entry.url) sinks_.state->note_seen(*final_url);
        }
        for (const auto& link : links) {
            const auto host = http::parse_url(link).value().host;
            switch (frontier_.offer(link, host, p.entry.depth + 1, p.entry.url)) {
            case frontier::verdict::queued:
                note_queued();
                break;
            case frontier::verdict::out_of_scope:
                ++counts_.out_of_scope;
                break;
            case frontier::verdict::filtered:
                ++counts_.filtered;
                break;
            case frontier::verdict::too_deep:
                ++counts_.too_deep;
                break;
            case frontier::verdict::capped:
                ++counts_.capped;
                break;
            default:
                break;
            }
        }
        if (!links.empty()) wake_.notify(); // new work for idle workers
    }

    void note_queued() {
        if (sinks_.state) sinks_.state->note_queued(frontier_.last_queued());
    }

    const crawl_options& options_;
    const crawl_sinks& sinks_;
    frontier frontier_;
    page_fetcher fetcher_;
    event wake_; // notified to wake idle workers
    std::size_t busy_ = 0;
    crawl_counts counts_;
};

} // namespace

asio::awaitable<crawl_counts> crawl(http::client& client,
                                    const std::vector<std::pair<std::size_t, std::string>>& seeds,
                                    const crawl_options& options, std::size_t workers,
                                    const crawl_sinks& sinks) {
    crawl_run run(co_await asio::this_coro::executor, client, options, sinks);
    run.restore();
    run.add_seeds(seeds);
    if (options.sitemaps) co_await run.read_sitemaps(client, seeds);
    if (sinks.state) sinks.state->flush();
    co_await run_all(std::max<std::size_t>(1, workers), [&run] { return run.work(); });
    run.cancel_queued();
    co_return run.counts();
}

} // namespace asyncfetch::crawl
