// Links in an HTML page, found with a real HTML parser (gumbo), resolved
// against the page (or its <base href>) and normalised, so that one resource
// has one spelling: scheme and host in lower case, no default port, no
// fragment, no dot segments, optionally its query parameters sorted.
#pragma once

#include "asyncfetch/http/url.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::crawl {

struct link_options {
    bool assets = false;     // also <link href> and <img src>, not only <a href>
    bool sort_query = false; // "?b=2&a=1" and "?a=1&b=2" are one URL
};

// The http(s) links of a page in document order, each once; links to other
// schemes (mailto:, javascript:) and malformed ones are left out.
std::vector<std::string> extract_links(std::string_view html, const http::http_url& page,
                                       const link_options& options);

// A URL as the crawler keys it, or nullopt when it is not a usable http(s) URL.
std::optional<std::string> normalize_url(std::string_view url, bool sort_query);

// Whether a Content-Type names HTML ("text/html; charset=utf-8", XHTML).
bool is_html(std::string_view content_type);

} // namespace asyncfetch::crawl
