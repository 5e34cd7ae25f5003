// Where a shared job's Redis is, and which job: redis://HOST[:PORT]/NAME or
// rediss://HOST[:PORT]/NAME (TLS). Parsed with Boost.URL.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace asyncfetch::redis {

struct endpoint {
    bool tls = false;
    std::string host; // an IPv6 address without its brackets
    std::uint16_t port = 6379;
    std::string name;         // the job's name, as written in the URL
    std::string text() const; // as written, for messages
};

parsed<endpoint> parse_endpoint(std::string_view url);

} // namespace asyncfetch::redis
