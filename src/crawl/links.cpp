#include "asyncfetch/crawl/links.hpp"

#include "asyncfetch/core/text.hpp"

#include <gumbo.h>

#include <boost/url/url.hpp>

#include <algorithm>
#include <memory>
#include <unordered_set>

namespace asyncfetch::crawl {
namespace {

std::string sorted_query(const std::string& url) {
    boost::urls::url u(url);
    if (!u.has_query()) return url;
    std::vector<std::string> params;
    for (auto p : u.encoded_params())
        params.push_back(std::string(p.key) + (p.has_value ? "=" + std::string(p.value) : ""));
    std::sort(params.begin(), params.end());
    std::string query;
    for (const auto& p : params)
        query += (query.empty() ? "" : "&") + p;
    u.set_encoded_query(query);
    return std::string(u.buffer());
}

const char* attribute(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a ? a->value : nullptr;
}

} // namespace

std::optional<std::string> normalize_url(std::string_view url, bool sort_query) {
    auto parsed = http::parse_url(url);
    if (!parsed) return std::nullopt;
    return sort_query ? sorted_query(parsed->text) : parsed->text;
}

bool is_html(std::string_view content_type) {
    const auto type = lower(trim(content_type.substr(0, content_type.find(';'))));
    return type == "text/html" || type == "application/xhtml+xml";
}

std::vector<std::string> extract_links(std::string_view html, const http::http_url& page,
                                       const link_options& options) {
    std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> doc(
        gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()),
        [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });

    // Collect the raw references in document order (an explicit stack: deep
    // documents must not overflow ours), and the first <base href>.
    std::vector<std::string_view> refs;
    std::optional<std::string_view> base;
    std::vector<const GumboNode*> stack{doc->root};
    while (!stack.empty()) {
        const GumboNode* node = stack.back();
        stack.pop_back();
        if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
        const GumboElement& e = node->v.element;
        const char* ref = nullptr;
        if (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA)
            ref = attribute(e, "href");
        else if (e.tag == GUMBO_TAG_BASE && !base && attribute(e, "href"))
            base = attribute(e, "href");
        else if (options.assets && e.tag == GUMBO_TAG_LINK)
            ref = attribute(e, "href");
        else if (options.assets && e.tag == GUMBO_TAG_IMG)
            ref = attribute(e, "src");
        if (ref) refs.emplace_back(ref);
        for (unsigned i = e.children.length; i > 0; --i)
            stack.push_back(static_cast<const GumboNode*>(e.children.data[i - 1]));
    }

    http::http_url against = page;
    if (base) {
        if (auto b = http::resolve_location(page, *base); b) against = *b;
    }
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    for (auto ref : refs) {
        // HTML strips white space around URLs in attributes.
        ref.remove_prefix(std::min(ref.find_first_not_of(" \t\r\n\f"), ref.size()));
        ref = ref.substr(0, ref.find_last_not_of(" \t\r\n\f") + 1);
        auto resolved = http::resolve_location(against, ref);
        if (!resolved) continue;
        auto url = options.sort_query ? sorted_query(resolved->text) : resolved->text;
        if (seen.insert(url).second) out.push_back(std::move(url));
    }
    return out;
}

} // namespace asyncfetch::crawl
