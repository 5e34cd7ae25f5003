#include "asyncfetch/redis/frontier.hpp"

#include "asyncfetch/app/crawl.hpp"
#include "asyncfetch/core/channel.hpp"
#include "asyncfetch/core/runner.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/http/url.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <unordered_set>

namespace asio = boost::asio;
using json = nlohmann::ordered_json;

namespace asyncfetch::redis {
namespace {

struct keys {
    explicit keys(const std::string& name)
        : targets(name + ":targets"), results(name + ":results"), done(name + ":done"),
          total(name + ":total"), next_id(name + ":next_id"), seen(name + ":seen") {}
    std::string targets, results, done, total, next_id, seen;
};

// Stores records once per target id and acknowledges their entries,
// atomically. KEYS: done, results, targets; ARGV: group, then (target id,
// result message, entry id) per record. Returns how many were new.
constexpr const char* commit_script = R"(
local stored = 0
for i = 2, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], 1) == 1 then
    redis.call('XADD', KEYS[2], '*', 'data', ARGV[i + 1])
    stored = stored + 1
  end
  redis.call('XACK', KEYS[3], ARGV[1], ARGV[i + 2])
end
return stored
)";

// Adds a page's links that no one has seen, within the page cap. KEYS: seen,
// next_id, total, targets; ARGV: max pages (0: none), depth, parent, URLs.
constexpr const char* add_links_script = R"(
local added = 0
local cap = tonumber(ARGV[1])
for i = 4, #ARGV do
  if cap > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= cap then break end
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    local id = redis.call('INCR', KEYS[2])
    redis.call('XADD', KEYS[4], '*', 'data', cjson.encode({id = id, target = ARGV[i],
      depth = tonumber(ARGV[2]), parent = ARGV[3]}))
    redis.call('INCR', KEYS[3])
    added = added + 1
  end
end
return added
)";

reply must(reply r, const std::string& what) {
    if (r.is_error()) throw std::runtime_error(what + ": " + r.str);
    return r;
}

long long number_of(const reply& r) {
    if (r.type == reply::integer) return r.number;
    if (r.type == reply::string) return std::stoll(r.str);
    return 0;
}

// A command's words (built outside coroutines: GCC 12 mishandles braced
// lists of string literals inside them).
template <class... Words>
std::vector<std::string> args(Words&&... words) {
    return {std::string(std::forward<Words>(words))...};
}

std::string target_message(std::uint64_t id, const std::string& text) {
    return json{{"id", id}, {"target", text}}.dump();
}

std::string result_message(std::uint64_t id, const json& fields) {
    return json{{"id", id}, {"record", fields}}.dump(-1, ' ', false,
                                                     json::error_handler_t::replace);
}

// What collect writes: {"id", ...the record's fields}.
json record_line(std::uint64_t id, const json& record) {
    json out;
    out["id"] = id;
    for (const auto& [key, value] : record.items())
        out[key] = value;
    return out;
}

// One stream entry: its stream id and the "data" field.
struct entry {
    std::string stream_id;
    std::uint64_t id = 0;
    std::string text;
    int depth = 0;      // crawls
    std::string parent; // crawls: the page that linked here
};

// [[id, [field, value, ...]], ...] -> entries (malformed ones are skipped).
void entries_of(const reply& list, std::vector<entry>& out) {
    for (const auto& e : list.elements) {
        if (e.elements.size() != 2) continue;
        const auto& fields = e.elements[1].elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
            if (fields[i].str != "data") continue;
            try {
                const auto j = json::parse(fields[i + 1].str);
                entry got;
                got.stream_id = e.elements[0].str;
                got.id = j.at("id").get<std::uint64_t>();
                got.text = j.at("target").get<std::string>();
                if (j.contains("depth") && j["depth"].is_number())
                    got.depth = j["depth"].get<int>();
                if (j.contains("parent") && j["parent"].is_string())
                    got.parent = j["parent"].get<std::string>();
                out.push_back(std::move(got));
            } catch (const std::exception&) {
            }
        }
    }
}

} // namespace

asio::awaitable<std::vector<reply>>
pipeline_with_retry(connection& c, std::vector<std::vector<std::string>> commands,
                    const std::function<void(const std::string&)>& say) {
    auto wait = std::chrono::milliseconds(100);
    bool failing = false;
    for (;;) {
        try {
            auto replies = co_await c.pipeline(commands);
            if (failing && say) say("redis: reachable again");
            co_return replies;
        } catch (const boost::system::system_error& e) {
            if (e.code() == asio::error::operation_aborted ||
                e.code() == asio::error::access_denied)
                throw;
            if (!failing && say) say(std::string(e.what()) + "; retrying");
            failing = true;
        }
        co_await sleep_for(wait);
        wait = std::min<std::chrono::milliseconds>(wait * 2, std::chrono::seconds(5));
    }
}

asio::awaitable<reply> command_with_retry(connection& c, std::vector<std::string> args,
                                          const std::function<void(const std::string&)>& say) {
    std::vector<std::vector<std::string>> one{std::move(args)};
    auto replies = co_await pipeline_with_retry(c, std::move(one), say);
    co_return std::move(replies.front());
}

namespace {

// Loads a Lua script into Redis; returns its SHA1 for EVALSHA.
asio::awaitable<std::string> load_script(connection& c, const char* script,
                                         const std::function<void(const std::string&)>& say) {
    auto load = args("SCRIPT", "LOAD", script);
    co_return must(co_await command_with_retry(c, load, say), "SCRIPT LOAD").str;
}

// Sends EVALSHA calls of `script` in one round trip. A Redis that restarted
// has forgotten the script: it is loaded again and the calls resent (every
// script here can run twice harmlessly).
asio::awaitable<std::vector<reply>>
run_script_calls(connection& c, const char* script,
                 const std::vector<std::vector<std::string>>& calls,
                 const std::function<void(const std::string&)>& say) {
    auto replies = co_await pipeline_with_retry(c, calls, say);
    const bool forgotten = std::any_of(replies.begin(), replies.end(), [](const reply& r) {
        return r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0;
    });
    if (forgotten) {
        co_await load_script(c, script, say);
        replies = co_await pipeline_with_retry(c, calls, say);
    }
    co_return replies;
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
    // XADDs go in pipelined chunks: one round trip per thousand targets.
    constexpr std::size_t chunk = 1000;
    for (std::size_t i = 0; i < targets.size(); i += chunk) {
        std::vector<std::vector<std::string>> adds;
        for (std::size_t j = i; j < std::min(targets.size(), i + chunk); ++j) {
            adds.push_back(
                args("XADD", k.targets, "*", "data", target_message(first + j, targets[j])));
            if (crawl) adds.push_back(args("SADD", k.seen, targets[j]));
        }
        for (auto& r : co_await c.pipeline(std::move(adds)))
            must(std::move(r), k.targets);
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
    channel<entry> feed(ex, std::max<std::size_t>(1, o.concurrency));
    std::size_t busy = 0;
    std::string script_sha;
    const auto idle_ms = std::to_string(o.claim_idle.count());
    // Waiting for new entries: shorter when the worker must notice the end.
    const auto block = std::to_string(
        (o.until_done ? std::min(o.block, std::chrono::milliseconds(100)) : o.block).count());

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
        const auto count = std::to_string(std::max<std::size_t>(1, o.concurrency));
        // Claims are looked for when idle, and at least once a second: not on
        // every read (XAUTOCLAIM walks the pending list).
        auto last_claim = std::chrono::steady_clock::time_point{};
        bool idle = true;
        for (;;) {
            std::vector<entry> batch;
            const auto now = std::chrono::steady_clock::now();
            if (idle || now - last_claim >= std::chrono::seconds(1)) {
                last_claim = now;
                auto claim = args("XAUTOCLAIM", k.targets, consumer_group, o.consumer, idle_ms,
                                  cursor, "COUNT", count);
                const auto claimed = co_await command_with_retry(writes, claim, o.say);
                if (!claimed.is_error() && claimed.elements.size() >= 2) {
                    cursor = claimed.elements[0].str;
                    entries_of(claimed.elements[1], batch);
                    stats.claimed += batch.size();
                }
            }
            auto read = args("XREADGROUP", "GROUP", consumer_group, o.consumer, "COUNT", count,
                             "BLOCK", block, "STREAMS", k.targets, ">");
            const auto fresh = co_await command_with_retry(reads, read, o.say);
            if (fresh.is_error()) {
                // NOGROUP: nothing was enqueued yet.
                co_await sleep_for(o.block);
            } else {
                for (const auto& stream : fresh.elements)
                    if (stream.elements.size() == 2) entries_of(stream.elements[1], batch);
            }
            idle = batch.empty();
            for (auto& e : batch)
                co_await feed.send(std::move(e));
            if (batch.empty() && busy == 0 && o.until_done && co_await all_done()) {
                feed.close();
                co_return;
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
        fetcher = std::make_unique<crawl::page_fetcher>(ex, *crawl_client, o.crawl->options);
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
    std::vector<std::array<std::string, 3>> pending; // (id, message, entry id) not yet stored
    asio::steady_timer wake(ex, asio::steady_timer::time_point::max());
    std::size_t consumers = std::max<std::size_t>(1, o.concurrency);
    auto consume = [&]() -> asio::awaitable<void> {
        while (auto e = co_await feed.receive()) {
            ++busy;
            const target t{static_cast<std::size_t>(e->id), 0, e->text};
            record r;
            try {
                if (o.crawl)
                    r = co_await crawl_page(*e);
                else
                    r = co_await op(t);
            } catch (const boost::system::system_error& ex) {
                if (ex.code() == asio::error::operation_aborted) throw;
                r = error_record(outcome::failed, ex.what());
            } catch (const std::exception& ex) {
                r = error_record(outcome::failed, ex.what());
            }
            if (r.fields.empty()) r = kind.error_record(t.text, r.error, r.result);
            pending.push_back(
                {std::to_string(e->id), result_message(e->id, r.fields), e->stream_id});
            wake.cancel();
            --busy;
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
                co_await sleep_for(std::chrono::milliseconds(2));
            // One script call per 500 records, all in one round trip.
            const auto records = std::exchange(pending, {});
            std::vector<std::vector<std::string>> batch;
            for (std::size_t i = 0; i < records.size(); i += 500) {
                auto call =
                    args("EVALSHA", script_sha, "3", k.done, k.results, k.targets, consumer_group);
                for (std::size_t j = i; j < std::min(records.size(), i + 500); ++j)
                    call.insert(call.end(), records[j].begin(), records[j].end());
                batch.push_back(std::move(call));
            }
            auto replies = co_await run_script_calls(writes, commit_script, batch, o.say);
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

asio::awaitable<std::uint64_t> collect(connection& c, const std::string& name, bool follow,
                                       const std::function<void(const json&)>& emit,
                                       const std::function<void(const std::string&)>& say) {
    const keys k(name);
    std::unordered_set<std::uint64_t> seen;
    std::string last = "0-0";
    for (;;) {
        auto read = args("XREAD", "COUNT", "1000", "BLOCK", "1000", "STREAMS", k.results, last);
        const auto r = co_await command_with_retry(c, read, say);
        must(r, k.results);
        for (const auto& stream : r.elements) {
            if (stream.elements.size() != 2) continue;
            for (const auto& e : stream.elements[1].elements) {
                if (e.elements.size() != 2) continue;
                last = e.elements[0].str;
                const auto& fields = e.elements[1].elements;
                for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
                    if (fields[i].str != "data") continue;
                    const auto data = json::parse(fields[i + 1].str, nullptr, false);
                    if (data.is_discarded() || !data.contains("id")) continue;
                    const auto id = data["id"].get<std::uint64_t>();
                    if (!seen.insert(id).second) continue;
                    emit(record_line(id, data["record"]));
                }
            }
        }
        if (follow) continue;
        auto get_total = args("GET", k.total);
        const auto total = number_of(co_await command_with_retry(c, get_total, say));
        if (total > 0 && seen.size() >= static_cast<std::uint64_t>(total)) co_return seen.size();
    }
}

} // namespace asyncfetch::redis
