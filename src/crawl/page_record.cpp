#include "asyncfetch/crawl/page_record.hpp"

#include "asyncfetch/http/fetch_record.hpp"

namespace asyncfetch::crawl {

using json = nlohmann::ordered_json;

record page_record(page&& p) {
    using http::fetch_record;
    record r;
    if (p.cancelled) {
        r = fetch_record(p.entry.url, nullptr, "cancelled", outcome::cancelled, p.elapsed_ms);
    } else if (!p.refused.empty()) {
        r = fetch_record(p.entry.url, nullptr, p.refused, outcome::failed, p.elapsed_ms);
    } else {
        r = fetch_record(p.entry.url, &p.result, p.result.error,
                         p.result.ec ? outcome::failed : outcome::ok, p.elapsed_ms);
    }
    r.fields["depth"] = p.entry.depth;
    r.fields["parent"] = p.entry.parent.empty() ? json(nullptr) : json(p.entry.parent);
    r.fields["links"] = p.links;
    if (!p.entry.lastmod.empty()) r.fields["lastmod"] = p.entry.lastmod;
    const bool fetched = !p.cancelled && p.refused.empty() && !p.result.content_type.empty();
    r.fields["content_type"] = fetched ? json(p.result.content_type) : json(nullptr);
    if (!p.html) return r;
    auto& h = *p.html;
    auto text = [](const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); };
    r.fields["title"] = text(h.title);
    r.fields["canonical"] = text(h.canonical);
    r.fields["noindex"] = h.noindex;
    r.fields["nofollow"] = h.nofollow;
    if (p.with_links) r.fields["outlinks"] = std::move(h.links);
    if (!h.extracted.empty()) r.fields["extract"] = std::move(h.extracted);
    return r;
}

} // namespace asyncfetch::crawl
