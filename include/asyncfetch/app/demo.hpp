// `asyncfetch demo`: the embedded default. Starts the test server on
// 127.0.0.1 with slow endpoints and runs --compare over its URLs, then over a
// crawl of its small site, so the point of the tool shows in one command with
// no network and no set-up.
#pragma once

#include <cstddef>
#include <string>

namespace asyncfetch::app {

struct demo_config {
    std::size_t urls = 50;       // how many slow URLs to fetch
    bool quiet = false;          // no per-URL console lines
    std::string output = "none"; // records file ("none": not written)
    bool crawl = true;           // then a crawl of the server's small site
};

int run_demo(const demo_config& config);

} // namespace asyncfetch::app
