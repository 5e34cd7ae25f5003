// The validators of fetched URLs (--cache DIR), so that a scheduled run asks
// "has it changed?" (If-None-Match, If-Modified-Since) and a 304 moves
// headers only. One small JSON file per URL, named by the URL's SHA-256,
// written atomically; each is bounded (16 KiB read, validators of 1 KiB at
// most kept), and one is made only for a URL that answered 2xx with an ETag
// or Last-Modified, so the directory holds at most one file per URL fetched.
#pragma once

#include "asyncfetch/http/request.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace asyncfetch::http {

struct cache_entry {
    std::string url;
    std::string etag, last_modified;
    std::string file, sha256; // with --save: the body kept, and its hash
    std::uint64_t size = 0;   // of that file
};

class validator_cache {
public:
    explicit validator_cache(std::string dir) : dir_(std::move(dir)) {}

    // The entry for `url`; nullopt when none, or it cannot be read (a
    // broken entry costs a full fetch, not the run).
    std::optional<cache_entry> find(const std::string& url) const;
    // Writes (or, with neither validator, removes) the entry; returns an
    // empty string or what went wrong.
    std::string store(const cache_entry& entry) const;
    void forget(const std::string& url) const;
    std::string path_for(const std::string& url) const;

private:
    std::string dir_;
};

// The conditional request's headers for what `entry` remembers.
using header_pairs = std::vector<std::pair<std::string, std::string>>;
void add_conditional_headers(const cache_entry& entry, header_pairs& headers);
// Removes them again (a redirect's next hop is another resource).
void remove_conditional_headers(header_pairs& headers);

// Creates DIR if need be; a problem names it (for --cache and the config key).
parsed<std::string> prepare_cache_dir(const std::string& dir);

} // namespace asyncfetch::http
