#include "asyncfetch/crawl/html_page.hpp"

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/crawl/normalize.hpp"
#include "asyncfetch/crawl/robots.hpp"
#include "asyncfetch/crawl/xpath.hpp"

#include <gumbo.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <unordered_set>

namespace asyncfetch::crawl {
namespace {

const char* attribute(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a ? a->value : nullptr;
}

// Whether a space-separated, case-insensitive token list holds `token`
// (rel="nofollow ugc", content="noindex, nofollow").
bool has_token(const char* list, std::string_view token) {
    if (!list) return false;
    std::string words = lower(list);
    std::replace(words.begin(), words.end(), ',', ' ');
    std::istringstream in(words);
    std::string word;
    while (in >> word)
        if (word == token) return true;
    return false;
}

// An element's text, white space collapsed (for <title>).
std::string collapsed_text(const GumboElement& e) {
    std::string raw;
    for (unsigned i = 0; i < e.children.length; ++i) {
        const auto* child = static_cast<const GumboNode*>(e.children.data[i]);
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
            raw += child->v.text.text;
    }
    std::istringstream in(raw);
    std::string word, out;
    while (in >> word)
        out += (out.empty() ? "" : " ") + word;
    return out;
}

// HTML strips white space around URLs in attributes.
std::string_view trimmed_url(std::string_view ref) {
    ref.remove_prefix(std::min(ref.find_first_not_of(" \t\r\n\f"), ref.size()));
    return ref.substr(0, ref.find_last_not_of(" \t\r\n\f") + 1);
}

struct reference {
    std::string_view url;
    bool nofollow;
};

} // namespace

html_page read_html(std::string_view html, const http::http_url& page,
                    const html_options& options) {
    std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> doc(
        gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()),
        [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });

    // One walk in document order (an explicit stack: deep documents must not
    // overflow ours) for references, the first <base href>, title,
    // canonical and meta robots.
    html_page out;
    std::vector<reference> refs;
    std::optional<std::string_view> base, canonical;
    std::vector<const GumboNode*> stack{doc->root};
    while (!stack.empty()) {
        const GumboNode* node = stack.back();
        stack.pop_back();
        if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
        const GumboElement& e = node->v.element;
        const char* ref = nullptr;
        if (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA) {
            ref = attribute(e, "href");
        } else if (e.tag == GUMBO_TAG_BASE && !base && attribute(e, "href")) {
            base = attribute(e, "href");
        } else if (e.tag == GUMBO_TAG_LINK) {
            if (!canonical && has_token(attribute(e, "rel"), "canonical") && attribute(e, "href"))
                canonical = attribute(e, "href");
            if (options.assets) ref = attribute(e, "href");
        } else if (options.assets && e.tag == GUMBO_TAG_IMG) {
            ref = attribute(e, "src");
        } else if (e.tag == GUMBO_TAG_TITLE && !out.title) {
            out.title = collapsed_text(e);
        } else if (e.tag == GUMBO_TAG_META) {
            const auto name = lower(attribute(e, "name") ? attribute(e, "name") : "");
            if (name == "robots" || name == robots_token) {
                const char* content = attribute(e, "content");
                const bool none = has_token(content, "none");
                out.noindex = out.noindex || none || has_token(content, "noindex");
                out.nofollow = out.nofollow || none || has_token(content, "nofollow");
            }
        }
        if (ref) refs.push_back({ref, has_token(attribute(e, "rel"), "nofollow")});
        for (unsigned i = e.children.length; i > 0; --i)
            stack.push_back(static_cast<const GumboNode*>(e.children.data[i - 1]));
    }

    auto resolve = [&options](const http::http_url& against,
                              std::string_view ref) -> std::optional<std::string> {
        const auto ascii = ascii_reference(trimmed_url(ref));
        if (!ascii) return std::nullopt;
        auto resolved = http::resolve_location(against, *ascii);
        if (!resolved) return std::nullopt;
        return normalized(*resolved, options.sort_query);
    };
    http::http_url against = page;
    if (base)
        if (auto b = resolve(page, *base); b) against = http::parse_url(*b).value();
    if (canonical) out.canonical = resolve(against, *canonical);
    std::unordered_set<std::string> seen, followed;
    for (const auto& r : refs) {
        auto url = resolve(against, r.url);
        if (!url) continue;
        if (!r.nofollow && followed.insert(*url).second) out.follow.push_back(*url);
        if (seen.insert(*url).second) out.links.push_back(std::move(*url));
    }

    if (!options.extract.empty()) {
        const xpath_document xpath(doc->root);
        for (const auto& x : options.extract)
            out.extracted[x.name] = xpath.evaluate(x.xpath);
    }
    return out;
}

} // namespace asyncfetch::crawl
