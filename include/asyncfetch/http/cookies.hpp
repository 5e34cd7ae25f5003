// The cookie store of one run (RFC 6265): Set-Cookie headers in, Cookie
// headers out. Domain and host-only cookies, Path, Secure, HttpOnly, Expires
// and Max-Age, the __Secure- and __Host- prefixes (RFC 6265bis), cookies for
// a public suffix refused (libpsl). Bounded as browsers bound it: 4 KiB per
// cookie (name and value), 50 per domain, 3000 in all (the oldest go).
// Sans-I/O: the caller gives the time, so tests need no clock.
#pragma once

#include "asyncfetch/http/url.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::http {

struct cookie {
    std::string name, value;
    std::string domain; // lower case, no leading dot
    std::string path;   // starts with '/'
    bool host_only = true, secure = false, http_only = false;
    std::int64_t expires = 0; // Unix seconds; 0: a session cookie
};

struct cookie_limits {
    std::size_t max_cookie_bytes = 4096; // name and value together
    std::size_t per_domain = 50;
    std::size_t total = 3000;
};

// One Set-Cookie value, as sent by `url`'s host at `now`; nullopt when
// RFC 6265 5.2/5.3 says to ignore it. An expiry in the past gives a cookie
// with expires 1 (the store then deletes its namesake).
std::optional<cookie> parse_set_cookie(std::string_view header, const http_url& url,
                                       std::int64_t now);

// An HTTP date as RFC 6265 5.1.1 reads one (Unix seconds); nullopt: not a date.
std::optional<std::int64_t> parse_cookie_date(std::string_view text);

class cookie_store {
public:
    explicit cookie_store(cookie_limits limits = {}) : limits_(limits) {}

    // Keeps a cookie (replacing one of the same name, domain and path;
    // removing it when `c` has expired), within the limits.
    void add(cookie c, std::int64_t now);
    // Every Set-Cookie value of a response from `url`.
    void take(const http_url& url, const std::vector<std::string>& set_cookies, std::int64_t now);
    // "name=value; ..." for a request to `url`: longer paths first, then
    // older cookies first (RFC 6265 5.4); empty when none applies.
    std::string header_for(const http_url& url, std::int64_t now) const;
    // The unexpired cookies, oldest first (for the jar).
    std::vector<cookie> cookies(std::int64_t now) const;

private:
    struct kept {
        cookie c;
        std::uint64_t created; // order of arrival
    };
    void evict_oldest(std::string_view domain);

    cookie_limits limits_;
    std::vector<kept> kept_;
    std::uint64_t next_ = 0;
};

} // namespace asyncfetch::http
