// Links in an HTML page, found with a real HTML parser (gumbo), resolved
// against the page (or its <base href>) and normalised, so that one resource
// has one spelling (normalize.hpp).
#pragma once

#include "asyncfetch/crawl/normalize.hpp"
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

// Whether a Content-Type names HTML ("text/html; charset=utf-8", XHTML).
bool is_html(std::string_view content_type);

} // namespace asyncfetch::crawl
