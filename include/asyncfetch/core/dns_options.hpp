// How names are resolved: the resolver (c-ares on the event loop, or the
// system's getaddrinfo on a small thread pool), its servers, limits and cache
// times. The CLI and the JSON config both fill this with the parsers below.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace asyncfetch::dns {

enum class resolver_kind {
    cares,  // c-ares driven by the run's io_context: lookups at the run's concurrency
    system, // getaddrinfo on a thread pool: every NSS source (mDNS, LDAP, ...)
};

struct dns_options {
    resolver_kind kind = resolver_kind::cares;
    // Servers instead of resolv.conf's (parse_dns_servers' csv); empty: the
    // system's configuration.
    std::string servers;
    // Another file than /etc/resolv.conf (c-ares only), e.g. in a container.
    std::string resolv_conf;
    // Lookups sent at once; more wait in line (their timeout not yet running).
    std::size_t max_queries_in_flight = 256;
    // How long "no such host" and "no address" answers are remembered.
    std::chrono::seconds negative_ttl{30};
    // Answers with a shorter TTL (hosts-file entries have 0) are kept this long.
    std::chrono::seconds min_ttl{1};
    // getaddrinfo reports no TTL: its answers are kept this long.
    std::chrono::seconds system_ttl{30};
    std::size_t system_threads = 8;
    std::size_t max_cache_entries = 100000;
};

// "cares" or "system".
parsed<resolver_kind> parse_resolver_kind(std::string_view text);

// DNS servers as c-ares reads them: "ADDR:PORT,[ADDR6]:PORT".
struct server_list {
    std::string csv;
};

// "ADDR[:PORT],..." with IPv6 as "[ADDR]:PORT" (or a bare IPv6 address);
// port 53 when none is given.
parsed<server_list> parse_dns_servers(std::string_view text);

// What is wrong with a combination of options ("" when nothing is).
std::string check(const dns_options& options);

} // namespace asyncfetch::dns
