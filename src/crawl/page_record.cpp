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
    return r;
}

} // namespace asyncfetch::crawl
