// The crawl job: seed URLs, then the links of every HTML page within the
// scope, up to a depth; one record per page fetched, with its depth and the
// page that linked to it.
#pragma once

#include "asyncfetch/app/run.hpp"
#include "asyncfetch/crawl/crawler.hpp"
#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/http/client.hpp"

#include <string>

namespace asyncfetch::app {

struct crawl_config {
    std::string input = "-"; // seed URL list; "-" is stdin
    bool keep_going = false;
    run_settings run;
    http::client_options client = [] {
        http::client_options polite;
        polite.per_host = crawl::polite_per_host;
        return polite;
    }();
    crawl::crawl_options crawl;
};

job_kind crawl_job(const http::client_options& client, const crawl::crawl_options& options);

int run_crawl(const crawl_config& config);

} // namespace asyncfetch::app
