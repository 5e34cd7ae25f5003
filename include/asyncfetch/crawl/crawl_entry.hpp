// One URL of a crawl's frontier, with what its record needs to say where it
// came from.
#pragma once

#include <cstddef>
#include <string>

namespace asyncfetch::crawl {

struct crawl_entry {
    std::size_t index = 0; // 0.. for the seeds, then in order of discovery
    std::string url;       // normalised
    int depth = 0;
    std::string parent;  // the page that linked here; empty for a seed
    std::string lastmod; // a sitemap's <lastmod> for this URL, if any
};

} // namespace asyncfetch::crawl
