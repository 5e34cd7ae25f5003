// A shared crawl: each worker fetches pages politely (robots.txt, read by
// each worker once per origin, and the politeness gap per origin, which holds
// across all the job's workers: every request books its slot in
// NAME:polite:ORIGIN) and adds the links it admits (depth, scope as the
// page's host, patterns) to the stream, once per URL for the whole job
// (NAME:seen, a Redis set: about 60 bytes plus the URL per URL seen), up to
// max_pages targets in all.
#pragma once

#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/redis/connection.hpp"
#include "asyncfetch/streams/worker.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

namespace asyncfetch::streams {

struct crawl_mode {
    crawl::crawl_options options;
    http::client_options client;
};

// The handler that crawls each entry's page of job `name`, through `writes`
// (which must outlive the handler); `say` hears of Redis trouble.
boost::asio::awaitable<entry_handler>
crawl_handler(redis::connection& writes, const std::string& name, const crawl_mode& mode,
              const std::function<void(const std::string&)>& say);

} // namespace asyncfetch::streams
