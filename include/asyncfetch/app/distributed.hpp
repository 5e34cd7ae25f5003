// `asyncfetch enqueue`, `worker` and `collect`: one job shared by many
// processes on many machines through Redis Streams (see streams/job.hpp).
#pragma once

#include "asyncfetch/app/ssh.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/redis/connection.hpp"
#include "asyncfetch/streams/crawl_entries.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace asyncfetch::app {

struct redis_settings {
    std::string url; // redis[s]://HOST[:PORT]/NAME
    redis::options options;
};

struct enqueue_config {
    redis_settings redis;
    std::string input = "-";
    bool hosts = false; // SSH hosts lines, not URLs
    bool crawl = false; // crawl seeds
};

struct worker_config {
    redis_settings redis;
    http::client_options client;
    std::optional<exec_config> ssh;           // set: run this command on SSH targets
    std::optional<streams::crawl_mode> crawl; // set: crawl from the URLs
    std::size_t concurrency = 100;
    std::size_t processes = 1; // -j: that many worker processes
    std::chrono::milliseconds claim_idle{std::chrono::seconds(30)};
    bool until_done = false;
    bool quiet = false;
};

struct collect_config {
    redis_settings redis;
    std::string output; // empty: stdout
    bool follow = false;
    bool quiet = false;
};

int run_enqueue(const enqueue_config& config);
int run_worker(const worker_config& config);
int run_collect(const collect_config& config);

} // namespace asyncfetch::app
