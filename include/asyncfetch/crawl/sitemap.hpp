// Sitemaps (sitemaps.org): a <urlset> of page URLs with their lastmod, or a
// <sitemapindex> of further sitemaps; plain or gzipped. The XML is hostile
// input, read by libxml2's streaming reader with the network off, no entity
// substitution, no external DTD or attribute defaults, no "huge" mode, an
// external entity loader that loads nothing (NONET alone still reads
// file://), and any DOCTYPE refused: billion-laughs and XXE files fail.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::crawl {

// The bounds of one sitemap file (the sitemaps.org protocol's own).
inline constexpr std::uint64_t max_sitemap_bytes = 50ull << 20; // after gunzip
inline constexpr std::size_t max_sitemap_urls = 50000;

struct sitemap_url {
    std::string loc;
    std::string lastmod; // as written; empty when absent
};

struct sitemap {
    bool index = false;            // <sitemapindex>: `urls` are sitemaps
    std::vector<sitemap_url> urls; // at most max_sitemap_urls
};

// `body` as fetched: gzip is recognised by its magic bytes and inflated
// within max_sitemap_bytes.
parsed<sitemap> parse_sitemap(std::string body);

} // namespace asyncfetch::crawl
