// dns::resolver: the one name resolver of a run, used by HTTP, SSH and Redis.
// By default c-ares, driven by the run's single-threaded io_context (its
// sockets watched by Asio, its timeouts on an Asio timer), so names resolve at
// the run's concurrency instead of one at a time on Asio's resolver thread.
// Answers are cached for their TTL, "no such host" for a while too, and
// concurrent lookups of one name share one query.
#pragma once

#include "asyncfetch/core/dns_error.hpp"
#include "asyncfetch/core/dns_options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::dns {

enum class family { any, v4, v6 };

struct resolve_result {
    boost::system::error_code ec;
    std::vector<boost::asio::ip::address> addresses; // in the order to try them
    bool queried = false; // this call sent the query (not the cache, not another caller's)
};

struct resolver_stats {
    std::uint64_t lookups = 0;    // queries handed to c-ares or getaddrinfo
    std::uint64_t cache_hits = 0; // answered from the cache (positive or negative)
    std::uint64_t shared = 0;     // joined a lookup of the same name already under way
    std::size_t in_flight = 0;
    std::size_t peak_in_flight = 0;
};

class resolver {
public:
    explicit resolver(boost::asio::any_io_executor ex, dns_options options = {});
    ~resolver();
    resolver(const resolver&) = delete;
    resolver& operator=(const resolver&) = delete;

    // The addresses of `host` (an IP literal comes back as it is). `timeout`
    // counts from when the query is sent, not while it waits for one of the
    // max_queries_in_flight slots, and ends as errc::resolve_timeout. A cancel
    // (Ctrl-C) reaches the caller as operation_aborted.
    boost::asio::awaitable<resolve_result> resolve(std::string host, family wanted,
                                                   std::chrono::steady_clock::duration timeout);

    const resolver_stats& stats() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

// The resolver of the event loop `ex` belongs to, made on first use: HTTP,
// SSH and Redis on one loop share it (its cache, its limit, its queries). A
// caller with other options gets the loop's resolver for those options. It
// lives until the loop (its io_context) is destroyed.
std::shared_ptr<resolver> loop_resolver(const boost::asio::any_io_executor& ex,
                                        const dns_options& options);

} // namespace asyncfetch::dns
