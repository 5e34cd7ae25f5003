#include "asyncfetch/streams/crawl_entries.hpp"

#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/crawl/page_record.hpp"
#include "asyncfetch/http/fetch_record.hpp"
#include "asyncfetch/http/url.hpp"

#include "calls.hpp"
#include "scripts.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace asio = boost::asio;

namespace asyncfetch::streams {
namespace {

using namespace detail;

http::client_options keeping_bodies(http::client_options options) {
    options.keep_body = true;
    return options;
}

// What the handler of a shared crawl keeps between pages.
struct crawl_state {
    crawl_state(const asio::any_io_executor& ex, const std::string& name, const crawl_mode& mode)
        : k(name), options(mode.options), client(ex, keeping_bodies(mode.client)),
          filter(mode.options) {}

    keys k;
    crawl::crawl_options options;
    http::client client;
    std::unique_ptr<crawl::page_fetcher> fetcher; // fetches through `client`
    crawl::frontier filter;
    std::string links_sha;
    say_fn say;
};

// A page fetched politely; the links it admits go to the stream (each URL
// once for the whole job) before its record is stored.
asio::awaitable<record> crawl_page(crawl_state& s, connection& writes, const entry& e) {
    std::vector<std::string> links;
    crawl::crawl_entry page_entry{e.id, e.text, e.depth, e.parent, ""};
    auto p = co_await s.fetcher->fetch(page_entry, links);
    if (p.cancelled) throw boost::system::system_error(asio::error::operation_aborted);
    if (const auto page = http::parse_url(e.text)) s.filter.add_scope_host(page->host);
    auto call = args("EVALSHA", s.links_sha, "4", s.k.seen, s.k.next_id, s.k.total, s.k.targets,
                     std::to_string(s.options.max_pages), std::to_string(e.depth + 1), e.text);
    for (const auto& link : links)
        if (const auto u = http::parse_url(link); u && s.filter.admits(link, u->host, e.depth + 1))
            call.push_back(link);
    if (call.size() > 10) { // any links besides the 10 words of the call
        const std::vector<std::vector<std::string>> calls{std::move(call)};
        auto added = co_await run_script_calls(writes, add_links_script, calls, s.say);
        must(std::move(added.front()), "adding the links of " + e.text);
    }
    co_return crawl::page_record(std::move(p));
}

} // namespace

asio::awaitable<entry_handler> crawl_handler(connection& writes, const std::string& name,
                                             const crawl_mode& mode, const say_fn& say) {
    const auto ex = co_await asio::this_coro::executor;
    auto s = std::make_shared<crawl_state>(ex, name, mode);
    s->say = say;
    // The politeness gap to an origin holds across all the job's workers.
    auto slot_sha = co_await load_script(writes, book_slot_script, say);
    auto book = [&writes, say, polite = s->k.polite, slot_sha](
                    const std::string& origin,
                    std::chrono::milliseconds gap) -> asio::awaitable<std::chrono::milliseconds> {
        std::vector<std::vector<std::string>> call;
        call.push_back(
            args("EVALSHA", slot_sha, "1", polite + origin, std::to_string(gap.count())));
        auto r = co_await run_script_calls(writes, book_slot_script, call, say);
        co_return std::chrono::milliseconds(
            must(std::move(r.front()), "booking a request to " + origin).number);
    };
    s->fetcher = std::make_unique<crawl::page_fetcher>(ex, s->client, s->options, std::move(book));
    s->links_sha = co_await load_script(writes, add_links_script, say);
    entry_handler h;
    h.run = [s, &writes](const entry& e) { return crawl_page(*s, writes, e); };
    // (As a fetch job's: the URL, the error, no page fields.)
    h.error_record = [](const std::string& text, std::string error, outcome result) {
        return http::fetch_record(text, nullptr, std::move(error), result, 0);
    };
    co_return h;
}

} // namespace asyncfetch::streams
