#include "asyncfetch/redis/frontier.hpp"

#include "asyncfetch/app/crawl.hpp"
#include "asyncfetch/core/channel.hpp"
#include "asyncfetch/core/runner.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/http/url.hpp"
#include "asyncfetch/redis/messages.hpp"

#include "calls.hpp"
#include "scripts.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <memory>

namespace asio = boost::asio;
using json = nlohmann::ordered_json;

namespace asyncfetch::redis {
namespace {

using namespace detail;

// One stream entry: its stream id and the target message.
struct entry {
    std::string stream_id;
    std::uint64_t id = 0;
    std::string text;
    int depth = 0;      // crawls
    std::string parent; // crawls: the page that linked here
};

// [[id, [field, value, ...]], ...] -> entries (malformed ones are skipped).
void entries_of(reply& list, std::vector<entry>& out) {
    for (auto& e : list.elements) {
        if (e.elements.size() != 2) continue;
        auto& fields = e.elements[1].elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
            if (fields[i].str != "data") continue;
            if (auto t = read_target_message(fields[i + 1].str))
                out.push_back({std::move(e.elements[0].str), t->id, std::move(t->text), t->depth,
                               std::move(t->parent)});
        }
    }
}

} // namespace

asio::awaitable<std::uint64_t> enqueue(connection& c, const std::string& name,
                                       const std::vector<std::string>& targets, bool crawl) {
    const keys k(name);
    // (Each command is built in a statement of its own: GCC 12 rejects string
    // literals passed by reference in an expression that also awaits.)
    auto create = args("XGROUP", "CREATE", k.targets, consumer_group, "0", "MKSTREAM");
    const auto created = co_await c.command(std::move(create));
    if (created.is_error() && created.str.rfind("BUSYGROUP", 0) != 0)
        must(created, "XGROUP CREATE " + k.targets);
    const auto n = static_cast<long long>(targets.size());
    auto reserve = args("INCRBY", k.next_id, std::to_string(n));
    const auto last = number_of(must(co_await c.command(std::move(reserve)), k.next_id));
    const auto first = static_cast<std::uint64_t>(last - n + 1);
    // A script call adds a thousand targets: one command and one reply for
    // them all, not one each.
    auto load = args("SCRIPT", "LOAD", add_targets_script);
    const auto sha = must(co_await c.command(std::move(load)), "SCRIPT LOAD").str;
    constexpr std::size_t chunk = 1000;
    for (std::size_t i = 0; i < targets.size(); i += chunk) {
        auto call = args("EVALSHA", sha, "2", k.targets, k.seen, crawl ? "1" : "0");
        for (std::size_t j = i; j < std::min(targets.size(), i + chunk); ++j) {
            call.push_back(make_target_message(first + j, targets[j]));
            if (crawl) call.push_back(targets[j]);
        }
        must(co_await c.command(std::move(call)), k.targets);
    }
    auto count = args("INCRBY", k.total, std::to_string(n));
    must(co_await c.command(std::move(count)), k.total);
    co_return first;
}

asio::awaitable<worker_stats> work(connection& reads, connection& writes, const std::string& name,
                                   const app::job_kind& kind, const worker_options& o) {
    const keys k(name);
    const auto ex = co_await asio::this_coro::executor;
    // (A crawl fetches through its page fetcher below, not the kind's operation.)
    auto [op, keep_alive] =
        o.crawl ? std::pair<operation, std::shared_ptr<void>>() : kind.make_operation(ex);
    worker_stats stats;
    // (Entries travel by pointer: the channel moves what it carries several times.)
    channel<std::unique_ptr<entry>> feed(ex, std::max<std::size_t>(1, o.concurrency));
    std::size_t unstored = 0; // entries taken whose records are not stored yet
    std::string script_sha;
    const auto idle_ms = std::to_string(o.claim_idle.count());
    // Waiting for new entries: shorter when the worker must notice the end.
    const auto block_time =
        o.until_done ? std::min(o.block, std::chrono::milliseconds(100)) : o.block;
    const auto block = std::to_string(block_time.count());
    // Records made but not stored yet: (id, line, entry id, failed).
    std::vector<std::array<std::string, 4>> pending;
    asio::steady_timer stored(ex); // cancelled whenever records have been stored

    // Everything enqueued has a record.
    auto all_done = [&]() -> asio::awaitable<bool> {
        auto get_total = args("GET", k.total);
        auto count_done = args("HLEN", k.done);
        const auto total = number_of(co_await command_with_retry(writes, get_total, o.say));
        const auto done = number_of(co_await command_with_retry(writes, count_done, o.say));
        co_return total > 0 && done >= total;
    };

    // Takes over entries idle too long (their worker died), then waits for new ones.
    auto produce = [&]() -> asio::awaitable<void> {
        std::string cursor = "0-0";
        const auto max_batch = std::max<std::size_t>(1, o.concurrency);
        const auto count = std::to_string(max_batch);
        // Claims are looked for when idle, and at least once a second: not on
        // every read (XAUTOCLAIM walks the pending list).
        auto last_claim = std::chrono::steady_clock::time_point{};
        bool idle = true; // the last look found nothing
        auto idle_wait = std::chrono::milliseconds(5);
        for (;;) {
            if (o.until_done && idle && unstored == 0 && co_await all_done()) {
                feed.close();
                co_return;
            }
            std::vector<entry> batch;
            batch.reserve(max_batch);
            const auto now = std::chrono::steady_clock::now();
            if (idle || now - last_claim >= std::chrono::seconds(1)) {
                last_claim = now;
                auto claim = args("XAUTOCLAIM", k.targets, consumer_group, o.consumer, idle_ms,
                                  cursor, "COUNT", count);
                auto claimed = co_await command_with_retry(writes, claim, o.say);
                if (!claimed.is_error() && claimed.elements.size() >= 2) {
                    cursor = claimed.elements[0].str;
                    entries_of(claimed.elements[1], batch);
                    stats.claimed += batch.size();
                }
            }
            // A worker that must notice the end looks without blocking and
            // waits here instead (Redis times blocked reads out only every
            // 100 ms or so, which would hold up the end of every job).
            const bool look_only = o.until_done;
            auto read = look_only ? args("XREADGROUP", "GROUP", consumer_group, o.consumer, "COUNT",
                                         count, "STREAMS", k.targets, ">")
                                  : args("XREADGROUP", "GROUP", consumer_group, o.consumer, "COUNT",
                                         count, "BLOCK", block, "STREAMS", k.targets, ">");
            auto fresh = co_await command_with_retry(reads, read, o.say);
            if (fresh.is_error()) {
                // NOGROUP: nothing was enqueued yet.
                co_await sleep_for(o.block);
            } else {
                for (auto& stream : fresh.elements)
                    if (stream.elements.size() == 2) entries_of(stream.elements[1], batch);
            }
            idle = batch.empty();
            unstored += batch.size();
            for (auto& e : batch) {
                auto item = std::make_unique<entry>(std::move(e));
                co_await feed.send(std::move(item));
            }
            if (!idle || !look_only) {
                idle_wait = std::chrono::milliseconds(5);
            } else if (unstored > 0) {
                // Its own records on their way: until the next of them is stored.
                stored.expires_after(block_time);
                boost::system::error_code ec;
                co_await stored.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                const auto state = co_await asio::this_coro::cancellation_state;
                if (state.cancelled() != asio::cancellation_type::none)
                    throw boost::system::system_error(asio::error::operation_aborted);
            } else {
                // Others' records on their way: a while, longer each time.
                co_await sleep_for(idle_wait);
                idle_wait = std::min(idle_wait * 2, block_time);
            }
        }
    };

    // Crawls: a page fetched politely; the links it admits go to the stream
    // (each URL once for the whole job) before its record is stored.
    std::unique_ptr<http::client> crawl_client;
    std::unique_ptr<crawl::page_fetcher> fetcher;
    std::unique_ptr<crawl::frontier> filter;
    std::string links_sha;
    if (o.crawl) {
        auto with_bodies = o.crawl->client;
        with_bodies.keep_body = true;
        crawl_client = std::make_unique<http::client>(ex, with_bodies);
        // The politeness gap to an origin holds across all the job's workers.
        auto slot_sha = co_await load_script(writes, book_slot_script, o.say);
        auto book =
            [&writes, &o, polite = k.polite, slot_sha](
                const std::string& origin,
                std::chrono::milliseconds gap) -> asio::awaitable<std::chrono::milliseconds> {
            std::vector<std::vector<std::string>> call;
            call.push_back(
                args("EVALSHA", slot_sha, "1", polite + origin, std::to_string(gap.count())));
            auto r = co_await run_script_calls(writes, book_slot_script, call, o.say);
            co_return std::chrono::milliseconds(
                must(std::move(r.front()), "booking a request to " + origin).number);
        };
        fetcher = std::make_unique<crawl::page_fetcher>(ex, *crawl_client, o.crawl->options,
                                                        std::move(book));
        filter = std::make_unique<crawl::frontier>(o.crawl->options);
        links_sha = co_await load_script(writes, add_links_script, o.say);
    }
    auto crawl_page = [&](const entry& e) -> asio::awaitable<record> {
        std::vector<std::string> links;
        crawl::crawl_entry page_entry{e.id, e.text, e.depth, e.parent};
        auto p = co_await fetcher->fetch(page_entry, links);
        if (p.cancelled) throw boost::system::system_error(asio::error::operation_aborted);
        if (const auto page = http::parse_url(e.text).url) filter->add_scope_host(page->host);
        auto call =
            args("EVALSHA", links_sha, "4", k.seen, k.next_id, k.total, k.targets,
                 std::to_string(o.crawl->options.max_pages), std::to_string(e.depth + 1), e.text);
        for (const auto& link : links)
            if (const auto u = http::parse_url(link).url;
                u && filter->admits(link, u->host, e.depth + 1))
                call.push_back(link);
        if (call.size() > 10) { // any links besides the 10 words of the call
            const std::vector<std::vector<std::string>> calls{std::move(call)};
            auto added = co_await run_script_calls(writes, add_links_script, calls, o.say);
            must(std::move(added.front()), "adding the links of " + e.text);
        }
        co_return app::page_record(std::move(p));
    };

    // Runs entries; their records go to the committer.
    asio::steady_timer wake(ex, asio::steady_timer::time_point::max());
    std::size_t consumers = std::max<std::size_t>(1, o.concurrency);
    auto consume = [&]() -> asio::awaitable<void> {
        while (auto item = co_await feed.receive()) {
            auto& e = **item;
            // (A crawl page still needs the entry's text.)
            const target t{static_cast<std::size_t>(e.id), 0, o.crawl ? e.text : std::move(e.text)};
            record r;
            try {
                if (o.crawl)
                    r = co_await crawl_page(e);
                else
                    r = co_await op(t);
            } catch (const boost::system::system_error& ex) {
                if (ex.code() == asio::error::operation_aborted) throw;
                r = error_record(outcome::failed, ex.what());
            } catch (const std::exception& ex) {
                r = error_record(outcome::failed, ex.what());
            }
            if (r.fields.empty()) r = kind.error_record(t.text, r.error, r.result);
            const auto error = r.fields.find("error");
            const bool failed = error != r.fields.end() && !error->is_null();
            pending.push_back({std::to_string(e.id), make_record_line(e.id, r.fields),
                               std::move(e.stream_id), failed ? "1" : "0"});
            wake.cancel();
        }
        if (--consumers == 0) wake.cancel();
    };

    // Stores the records (once per target id) and acknowledges their entries:
    // whatever is pending goes in one pipelined round trip. Running it again
    // is harmless (the script checks the id), so a failed batch is resent.
    auto commit = [&]() -> asio::awaitable<void> {
        for (;;) {
            if (pending.empty()) {
                if (consumers == 0) co_return;
                boost::system::error_code ec;
                co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                const auto state = co_await asio::this_coro::cancellation_state;
                if (state.cancelled() != asio::cancellation_type::none) co_return;
                continue;
            }
            // A few records wait a moment for company: fewer, fuller round trips.
            if (pending.size() < 64 && consumers > 0)
                co_await sleep_for(std::chrono::milliseconds(10));
            // One script call per 500 records, all in one round trip.
            auto records = std::exchange(pending, {});
            std::vector<std::vector<std::string>> batch;
            for (std::size_t i = 0; i < records.size(); i += 500) {
                auto call =
                    args("EVALSHA", script_sha, "3", k.done, k.results, k.targets, consumer_group);
                for (std::size_t j = i; j < std::min(records.size(), i + 500); ++j)
                    call.insert(call.end(), std::make_move_iterator(records[j].begin()),
                                std::make_move_iterator(records[j].end()));
                batch.push_back(std::move(call));
            }
            auto replies = co_await run_script_calls(writes, commit_script, batch, o.say);
            unstored -= std::min(unstored, records.size());
            stored.cancel();
            std::uint64_t stored = 0;
            for (auto& r : replies)
                stored += static_cast<std::uint64_t>(must(std::move(r), "storing records").number);
            stats.processed += stored;
            stats.duplicates += records.size() - stored;
        }
    };

    script_sha = co_await load_script(writes, commit_script, o.say);
    std::size_t role = 0; // 0: produce, 1: commit, then the consumers
    co_await run_all(consumers + 2, [&]() -> asio::awaitable<void> {
        switch (role++) {
        case 0:
            return produce();
        case 1:
            return commit();
        default:
            return consume();
        }
    });
    co_return stats;
}

} // namespace asyncfetch::redis
