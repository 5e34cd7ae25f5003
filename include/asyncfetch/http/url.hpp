// http_url: an absolute http(s) URL, parsed and checked with Boost.URL, split
// into what a connection and a request need.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace asyncfetch::http {

struct http_url {
    std::string text;           // the whole URL, normalised by Boost.URL (no fragment)
    bool tls = false;           // https
    std::string host;           // for connecting and SNI: no brackets around IPv6
    bool host_is_ip = false;    // an IPv4/IPv6 literal (no SNI, verify by IP)
    std::uint16_t port = 0;     // explicit or the scheme's default
    std::string host_header;    // Host: value, with port when not the default
    std::string request_target; // path and query, at least "/"

    // Connections are pooled by this key: scheme, host and port.
    std::string origin() const;
    // The same origin as `other`, without building either key.
    bool same_origin(const http_url& other) const noexcept {
        return tls == other.tls && host_header == other.host_header;
    }
};

// Parses an absolute http:// or https:// URL; the problem is for
// "FILE:LINE: ..." reports and error records.
parsed<http_url> parse_url(std::string_view text);

namespace detail {
// parse_url always through a copy of the URL and Boost.URL's rewrites, which
// parse_url skips for a URL they would leave as it is (for the test that
// checks both give the same result).
parsed<http_url> parse_url_rewriting(std::string_view text);
} // namespace detail

// Resolves a Location header against the URL it came from (RFC 3986).
parsed<http_url> resolve_location(const http_url& base, std::string_view location);

} // namespace asyncfetch::http
