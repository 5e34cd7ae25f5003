// The HTTP client's flags (fetch, crawl) and the crawl's own (crawl, and
// crawling workers), read by the parsers next to their types.
#pragma once

#include "options.hpp"

#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/http/client.hpp"

#include <string>
#include <vector>

namespace asyncfetch::cli {

// Header flags are read after parsing, in the order files, environment, plain.
struct header_flags {
    std::vector<std::string> headers;    // -H "Name: value" or -H @FILE
    std::vector<std::string> header_env; // NAME=VAR
};

void add_http_options(CLI::App& cmd, http::client_options& c, header_flags& h);
void finish_http_options(http::client_options& c, const header_flags& h);

// --scope is read once every flag is in: a prefix URL is normalised as
// --sort-query says.
struct crawl_flags {
    crawl::crawl_options options;
    std::string scope; // empty: options' own
};

void add_crawl_options(CLI::App& cmd, crawl_flags& f);
void finish_crawl_options(crawl_flags& f);

} // namespace asyncfetch::cli
