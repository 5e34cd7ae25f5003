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
    std::string user_env, bearer_env;    // VAR: user:password / a token
    std::string proxy, noproxy;          // read with the environment's
    CLI::Option* proxy_given = nullptr;
    CLI::Option* noproxy_given = nullptr;
    std::string key_passphrase_env; // --key-passphrase-env VAR
};

void add_http_options(CLI::App& cmd, http::client_options& c, header_flags& h);
void finish_http_options(http::client_options& c, const header_flags& h);

// The request each URL makes (fetch and the shared job's workers, not a
// crawl): --data is read once every flag is in.
struct request_flags {
    std::string data; // TEXT, @FILE or @-
    bool json = false;
    CLI::Option* max_body = nullptr; // given: saved bodies are bounded too
    // Files read once every flag is in (a problem is FILE:LINE, exit 2).
    bool netrc = false;
    std::string netrc_file, cookie_file;
    CLI::Option* cookie_given = nullptr;
};

// `short_names`: -X and -d too (not where -d is the crawl's --depth).
void add_request_options(CLI::App& cmd, http::client_options& c, request_flags& r,
                         bool short_names = true);
// `input`: the URL list's path ("-": standard input, which --data @- cannot share).
void finish_request_options(http::client_options& c, const request_flags& r,
                            const std::string& input);

// --scope is read once every flag is in: a prefix URL is normalised as
// --sort-query says.
struct crawl_flags {
    crawl::crawl_options options;
    std::string scope;                // empty: options' own
    std::vector<std::string> extract; // NAME=XPATH
};

void add_crawl_options(CLI::App& cmd, crawl_flags& f);
void finish_crawl_options(crawl_flags& f);

} // namespace asyncfetch::cli
