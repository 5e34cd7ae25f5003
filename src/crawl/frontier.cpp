#include "asyncfetch/crawl/frontier.hpp"

#include "asyncfetch/crawl/domain.hpp"
#include "asyncfetch/crawl/links.hpp"
#include "asyncfetch/crawl/xpath.hpp"

#include <algorithm>

namespace asyncfetch::crawl {

parsed<crawl_scope> parse_scope(const std::string& text, bool sort_query) {
    if (text == "same-host") return crawl_scope{scope_kind::same_host, {}};
    if (text == "same-domain") return crawl_scope{scope_kind::same_domain, {}};
    if (text.rfind("prefix:", 0) == 0) {
        auto url = normalize_url(text.substr(7), sort_query);
        if (!url) return problem("'" + text.substr(7) + "' after prefix: is not an http(s) URL");
        return crawl_scope{scope_kind::prefix, std::move(*url)};
    }
    return problem("unknown scope '" + text + "' (use same-host, same-domain or prefix:URL)");
}

parsed<extraction> parse_extraction(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return problem("'" + text + "' is not NAME=XPATH");
    extraction x{text.substr(0, eq), text.substr(eq + 1)};
    if (auto why = xpath_problem(x.xpath); !why.empty()) return problem(why);
    return x;
}

parsed<std::regex> parse_regex(const std::string& pattern) {
    try {
        return std::regex(pattern);
    } catch (const std::regex_error& e) {
        return problem("invalid regex '" + pattern + "': " + e.what());
    }
}

frontier::frontier(const crawl_options& options)
    : options_(options),
      queue_(options.frontier_memory, options.state.empty() ? "" : options.state + "/spill") {
    for (const auto& p : options.include)
        include_.emplace_back(p);
    for (const auto& p : options.exclude)
        exclude_.emplace_back(p);
}

bool frontier::in_scope(const std::string& url, const std::string& host) const {
    switch (options_.scope.kind) {
    case scope_kind::same_host:
        return seed_hosts_.count(host) > 0;
    case scope_kind::same_domain:
        return seed_domains_.count(domain_of(host)) > 0;
    case scope_kind::prefix:
        return url.rfind(options_.scope.prefix, 0) == 0;
    }
    return false;
}

frontier::verdict frontier::add_seed(std::size_t index, const std::string& url,
                                     const std::string& host) {
    seed_hosts_.insert(host);
    seed_domains_.insert(domain_of(host));
    next_index_ = std::max(next_index_, index + 1);
    if (!seen_.insert(url)) return verdict::seen;
    ++accepted_;
    queue_.push({index, url, 0, "", ""});
    return verdict::queued;
}

bool frontier::admits(const std::string& url, const std::string& host, int depth) const {
    if (depth > options_.depth || !in_scope(url, host)) return false;
    auto found = [&url](const std::regex& re) { return std::regex_search(url, re); };
    return (include_.empty() || std::any_of(include_.begin(), include_.end(), found)) &&
           std::none_of(exclude_.begin(), exclude_.end(), found);
}

void frontier::add_scope_host(const std::string& host) {
    seed_hosts_.insert(host);
    seed_domains_.insert(domain_of(host));
}

frontier::verdict frontier::offer(const std::string& url, const std::string& host, int depth,
                                  const std::string& parent, const std::string& lastmod) {
    if (depth > options_.depth) return verdict::too_deep;
    if (seen_.contains(url)) return verdict::seen;
    if (!in_scope(url, host)) return verdict::out_of_scope;
    auto found = [&url](const std::regex& re) { return std::regex_search(url, re); };
    if ((!include_.empty() && std::none_of(include_.begin(), include_.end(), found)) ||
        std::any_of(exclude_.begin(), exclude_.end(), found))
        return verdict::filtered;
    if (options_.max_pages > 0 && accepted_ >= options_.max_pages) return verdict::capped;
    seen_.insert(url);
    ++accepted_;
    queue_.push({next_index_++, url, depth, parent, lastmod});
    return verdict::queued;
}

void frontier::restore(const crawl_entry& e, bool done) {
    seen_.insert(e.url);
    ++accepted_;
    next_index_ = std::max(next_index_, e.index + 1);
    if (!done) queue_.push(e);
}

} // namespace asyncfetch::crawl
