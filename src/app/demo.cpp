#include "asyncfetch/app/demo.hpp"

#include "asyncfetch/app/crawl.hpp"
#include "asyncfetch/app/fetch.hpp"
#include "asyncfetch/testserver/server.hpp"

#include <cstdio>

namespace asyncfetch::app {

int run_demo(const demo_config& config) {
    testserver::server server;
    std::vector<target> targets;
    for (std::size_t i = 0; i < config.urls; ++i) {
        // Responses take 100-300 ms, like the slow sites of the classic gevent demo.
        const auto delay_ms = 100 + (i * 37) % 201;
        const auto url = server.base_url() + "/delay/" + std::to_string(delay_ms) + "ms";
        targets.push_back({i, 0, url});
    }
    std::fprintf(
        stderr,
        "asyncfetch demo: %zu URLs on a local test server (%s), each answering in 100-300 ms.\n"
        "First one at a time (serial), then all at once on one thread (concurrent).\n\n",
        targets.size(), server.base_url().c_str());

    run_settings run;
    run.compare = true;
    run.concurrency = targets.size();
    run.output.path = config.output;
    run.output.console = !config.quiet;
    const int fetched = run_targets(run, fetch_job(http::client_options{}), targets, {});
    if (fetched != exit_ok || !config.crawl) return fetched;

    // The same for a crawl: a 40-page site, links followed 3 deep, robots.txt obeyed.
    std::fprintf(stderr,
                 "\nasyncfetch demo, part 2: crawl %s/site/0 three links deep (40 pages, 100 ms "
                 "each), first one page at a time, then concurrently.\n\n",
                 server.base_url().c_str());
    crawl::crawl_options crawl;
    crawl.depth = 3;
    // The demo's site is our own local server: no polite per-host limit, so the
    // concurrent pass shows what one thread can have in flight.
    http::client_options client;
    run.concurrency = 50;
    run.output.path = "none";
    return run_targets(run, crawl_job(client, crawl), {{0, 0, server.base_url() + "/site/0"}}, {});
}

} // namespace asyncfetch::app
