// The record of one crawled page, as the crawl command and the shared
// crawl's workers write it.
#pragma once

#include "asyncfetch/core/target.hpp"
#include "asyncfetch/crawl/crawler.hpp"

namespace asyncfetch::crawl {

// A fetch record plus where the page was found: {..., "depth", "parent",
// "links", "content_type"}, and for an HTML page "title", "canonical",
// "noindex", "nofollow", with --links "outlinks", with --extract "extract".
record page_record(page&& p);

} // namespace asyncfetch::crawl
