// HTML pages: the links a crawl follows. Each link must be a usable http(s)
// URL, appear once, and already be in the crawler's normal form.
#include "asyncfetch/crawl/links.hpp"
#include "asyncfetch/http/url.hpp"

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

using namespace asyncfetch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks the options; the rest is the page.
    const crawl::link_options options{(data[0] & 1) != 0, (data[0] & 2) != 0};
    const std::string_view html(reinterpret_cast<const char*>(data) + 1, size - 1);
    static const auto page = http::parse_url("http://example.com/dir/page.html").value();

    std::set<std::string> seen;
    for (const auto& link : crawl::extract_links(html, page, options)) {
        if (!seen.insert(link).second) std::abort();
        if (!http::parse_url(link)) std::abort();
        if (crawl::normalize_url(link, options.sort_query) != link) std::abort();
    }
    (void)crawl::is_html(html.substr(0, 64));
    return 0;
}
