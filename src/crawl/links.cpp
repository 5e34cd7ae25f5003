#include "asyncfetch/crawl/links.hpp"

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/crawl/html_page.hpp"

namespace asyncfetch::crawl {

bool is_html(std::string_view content_type) {
    const auto type = lower(trim(content_type.substr(0, content_type.find(';'))));
    return type == "text/html" || type == "application/xhtml+xml";
}

std::vector<std::string> extract_links(std::string_view html, const http::http_url& page,
                                       const link_options& options) {
    return read_html(html, page, {options.assets, options.sort_query, {}}).links;
}

} // namespace asyncfetch::crawl
