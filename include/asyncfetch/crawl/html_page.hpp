// What the crawler reads from an HTML page, from one parse by gumbo (an
// HTML5 parser): its links (resolved against the page or its <base href>,
// normalised, each once), title, canonical URL, meta robots, and the text
// of XPath expressions evaluated over the same tree.
#pragma once

#include "asyncfetch/http/url.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace asyncfetch::crawl {

// NAME=XPATH, as --extract and a config's "extract" give it.
struct extraction {
    std::string name;
    std::string xpath;
};

struct html_options {
    bool assets = false;     // also <link href> and <img src>, not only <a href>
    bool sort_query = false; // "?b=2&a=1" and "?a=1&b=2" are one URL
    std::vector<extraction> extract;
};

struct html_page {
    std::vector<std::string> links;  // every http(s) link, in document order, each once
    std::vector<std::string> follow; // those without rel="nofollow"
    std::optional<std::string> title;
    std::optional<std::string> canonical; // <link rel="canonical">, absolute
    bool noindex = false;                 // <meta name="robots|asyncfetch" content=...>
    bool nofollow = false;
    nlohmann::ordered_json extracted = nlohmann::ordered_json::object(); // NAME: text
};

html_page read_html(std::string_view html, const http::http_url& page, const html_options& options);

} // namespace asyncfetch::crawl
