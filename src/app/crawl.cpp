#include "asyncfetch/app/crawl.hpp"

#include "asyncfetch/app/fetch.hpp"
#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/crawl/page_record.hpp"

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
    return text;
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
        if (sink.started)
            sinks.started = [&sink](const crawl::crawl_entry& e) {
                sink.started(target{e.index, 0, e.url});
            };
        sinks.finished = [&sink](crawl::page&& p) {
            const target t{p.entry.index, 0, p.entry.url};
            sink.finished(t, page_record(std::move(p)));
        };
        *last_counts = co_await crawl::crawl(c, seeds, options, concurrency, sinks);
    };
    kind.error_record = [](const std::string& text, std::string error, outcome result) {
        crawl::page p;
        p.entry = {0, text, 0, ""};
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
