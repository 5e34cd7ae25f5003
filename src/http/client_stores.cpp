// What the client keeps across requests beyond connections: the cookie
// store (-b, --cookie-jar) and the validator cache (--cache). Neither
// instantiates Beast: both are plain steps around a request.
#include "client_impl.hpp"

#include <chrono>
#include <filesystem>

namespace asyncfetch::http {
namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

void client::impl::start_stores() {
    if (options.use_cookies) {
        cookies.emplace();
        const auto now = unix_now();
        for (const auto& c : options.cookies)
            cookies->add(c, now);
    }
    if (!options.cache_dir.empty()) cache.emplace(options.cache_dir);
}

std::string client::impl::cookie_header(const http_url& url) const {
    return cookies ? cookies->header_for(url, unix_now()) : std::string();
}

void client::impl::take_cookies(const http_url& url, const std::vector<std::string>& set_cookies) {
    if (cookies && !set_cookies.empty()) cookies->take(url, set_cookies, unix_now());
}

std::optional<cache_entry> client::impl::make_conditional(request& req,
                                                          const detail::download* save) const {
    // Only a GET or HEAD is asked "has it changed?" (RFC 9110 13.1).
    if (!cache || (req.method != "GET" && req.method != "HEAD")) return std::nullopt;
    auto entry = cache->find(req.url);
    if (!entry) return std::nullopt;
    // With --save, a 304 means "keep what you have": only when it is there
    // as it was written.
    if (save) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(save->path(), ec);
        if (entry->file != save->path() || ec || size != entry->size) return std::nullopt;
    }
    add_conditional_headers(*entry, req.headers);
    return entry;
}

void client::impl::remember_validators(const std::string& url,
                                       const std::optional<cache_entry>& entry,
                                       fetch_result& res) const {
    if (!cache || res.ec) return;
    if (res.status == 304 && entry) {
        res.not_modified = true;
        res.saved_file = entry->file;
        res.sha256 = entry->file.empty() ? std::string() : entry->sha256;
        return;
    }
    // Validators belong to the URL that gave them, not to a redirect's.
    const auto asked = parse_url(url);
    if (res.status / 100 != 2 || !asked || asked->text != res.final_url) return;
    cache_entry fresh{url, res.etag, res.last_modified, res.saved_file, res.sha256, 0};
    std::error_code ec;
    if (!fresh.file.empty()) fresh.size = std::filesystem::file_size(fresh.file, ec);
    if (ec) return; // the file went already: nothing to keep
    // A cache that cannot be written costs the next run a full fetch, not this one's record.
    (void)cache->store(fresh);
}

std::vector<cookie> client::cookies() const {
    return impl_->cookies ? impl_->cookies->cookies(unix_now()) : std::vector<cookie>();
}

} // namespace asyncfetch::http
