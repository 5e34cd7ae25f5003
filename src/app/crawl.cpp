#include "asyncfetch/app/crawl.hpp"

#include "asyncfetch/app/fetch.hpp"
#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/crawl/journal.hpp"
#include "asyncfetch/crawl/page_record.hpp"
#include "asyncfetch/http/fetch_record.hpp"

#include <boost/asio/this_coro.hpp>

#include <cstdio>

namespace asio = boost::asio;

namespace asyncfetch::app {

namespace {

std::string counts_line(const crawl::crawl_counts& c) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "links not followed: %zu out of scope, %zu filtered, %zu too deep, %zu over "
                  "--max-pages, %zu refused by robots.txt\n",
                  c.out_of_scope, c.filtered, c.too_deep, c.capped, c.robots_refused);
    std::string out = text;
    std::snprintf(text, sizeof text,
                  "frontier: %zu URLs seen (%.1f bytes a URL), queue at most %zu bytes in memory, "
                  "%zu spilled\n",
                  c.seen_urls, c.seen_urls ? double(c.seen_bytes) / double(c.seen_urls) : 0.0,
                  c.queue_peak, c.spill_peak);
    out += text;
    if (c.sitemaps_read > 0 || !c.sitemap_problems.empty())
        out += "sitemaps: " + std::to_string(c.sitemaps_read) + " read, " +
               std::to_string(c.sitemap_urls) + " URLs\n";
    for (const auto& p : c.sitemap_problems)
        out += "sitemap not read: " + p + "\n";
    if (!c.state_problem.empty()) out += "crawl state: " + c.state_problem + "\n";
    if (!c.frontier_problem.empty()) out += "crawl frontier: " + c.frontier_problem + "\n";
    return out;
}

// A record an earlier run wrote to its --state, as it was.
record replayed(const std::string& text) {
    record r;
    r.fields = nlohmann::ordered_json::parse(text, nullptr, false);
    if (!r.fields.is_object()) r.fields = nlohmann::ordered_json::object();
    using json = nlohmann::ordered_json;
    const auto field = [&r](const char* key) {
        const auto it = r.fields.find(key);
        return it == r.fields.end() ? json() : *it;
    };
    r.result = field("error").is_string() ? outcome::failed : outcome::ok;
    if (r.result == outcome::failed) r.error = field("error").get<std::string>();
    if (field("elapsed_ms").is_number()) r.elapsed_ms = field("elapsed_ms").get<double>();
    if (field("bytes").is_number_unsigned()) r.bytes = field("bytes").get<std::uint64_t>();
    return r;
}

std::string url_of(const record& r) {
    const auto it = r.fields.find("url");
    return it != r.fields.end() && it->is_string() ? it->get<std::string>() : "";
}

} // namespace

job_kind crawl_job(const http::client_options& client, const crawl::crawl_options& options) {
    auto kind = fetch_job(client);
    kind.make_worker_operation = nullptr;
    auto last_counts = std::make_shared<crawl::crawl_counts>();
    kind.drive = [client, options, last_counts](const std::vector<target>& inputs,
                                                std::size_t concurrency,
                                                const record_sink& sink) -> asio::awaitable<void> {
        auto with_bodies = client;
        with_bodies.keep_body = true;
        http::client c(co_await asio::this_coro::executor, with_bodies);
        std::vector<std::pair<std::size_t, std::string>> seeds;
        for (const auto& t : inputs)
            seeds.emplace_back(t.index, t.text);
        crawl::crawl_sinks sinks;
        std::unique_ptr<crawl::journal> state;
        if (!options.state.empty()) {
            auto opened = crawl::journal::open(options.state);
            if (!opened) { // every seed says why
                for (const auto& t : inputs)
                    sink.finished(t, http::fetch_record(t.text, nullptr, opened.problem(),
                                                        outcome::failed, 0));
                co_return;
            }
            state = std::move(opened).value();
            state->replay_records([&sink](std::size_t index, std::string&& text) {
                auto r = replayed(text);
                sink.finished(target{index, 0, url_of(r)}, std::move(r));
            });
            sinks.state = state.get();
        }
        bool cancelled = false;
        if (sink.started)
            sinks.started = [&sink](const crawl::crawl_entry& e) {
                sink.started(target{e.index, 0, e.url});
            };
        sinks.finished = [&sink, &state, &cancelled](crawl::page&& p) {
            const target t{p.entry.index, 0, p.entry.url};
            cancelled = cancelled || p.cancelled;
            const bool done = !p.cancelled;
            auto r = page_record(std::move(p));
            if (state && done)
                state->note_done(t.index, r.fields.dump(-1, ' ', false,
                                                        nlohmann::json::error_handler_t::replace));
            sink.finished(t, std::move(r));
        };
        *last_counts = co_await crawl::crawl(c, seeds, options, concurrency, sinks);
        if (state)
            if (const auto why = state->finish(cancelled); !why.empty())
                last_counts->state_problem = why;
    };
    kind.error_record = [](const std::string& text, std::string error, outcome result) {
        crawl::page p;
        p.entry = {0, text, 0, "", ""};
        p.refused = std::move(error);
        auto r = page_record(std::move(p));
        r.result = result;
        return r;
    };
    kind.epilogue = [last_counts] { return counts_line(*last_counts); };
    return kind;
}

int run_crawl(const crawl_config& config) {
    input_file input;
    if (!read_input(config.input, url_line_problem, config.keep_going, input)) return exit_usage;
    return run_targets(config.run, crawl_job(config.client, config.crawl), input.targets,
                       input.problems);
}

} // namespace asyncfetch::app
