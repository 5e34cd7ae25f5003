// URLs as the crawler keys them, so that one resource has one spelling
// (RFC 3986 section 6.2.2 and 6.2.3): scheme and host in lower case, the host
// IDNA-encoded, percent-encodings in upper case and none for unreserved
// characters, no dot segments, no default port, no fragment, "/" for an
// empty path, and with sort_query the query parameters in order.
#pragma once

#include "asyncfetch/http/url.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::crawl {

// A reference as written in a page or a list, made ASCII the way browsers do
// before resolving it: the host IDNA-encoded, other non-ASCII octets, spaces
// and characters URLs cannot hold percent-encoded. nullopt when the host is
// not a valid IDNA name.
std::optional<std::string> ascii_reference(std::string_view ref);

// Percent-encodings of unreserved characters decoded, the others in upper
// case, non-ASCII octets and controls percent-encoded ("/%7efoo/%2fä" ->
// "/~foo/%2F%C3%A4"); reserved characters keep their encoding, so "%2F" and
// "/" stay apart (Boost.URL 1.81's normalize() decodes them too).
std::string percent_normal(std::string_view text);

// The crawler's key for an http(s) URL already parsed.
std::string normalized(const http::http_url& url, bool sort_query);

// A URL as the crawler keys it, or nullopt when it is not a usable http(s) URL.
std::optional<std::string> normalize_url(std::string_view url, bool sort_query);

} // namespace asyncfetch::crawl
