#include "asyncfetch/http/cookies.hpp"

#include <boost/beast/core/string.hpp>

#include <libpsl.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace asyncfetch::http {
namespace {

using boost::beast::iequals;

constexpr std::size_t max_attribute_bytes = 1024; // RFC 6265bis 5.6: longer ones are ignored

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& ch : out)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return (u < 0x20 && u != '\t') || u == 0x7f;
    });
}

std::string_view url_path(const http_url& url) {
    std::string_view target = url.request_target;
    return target.substr(0, target.find('?'));
}

// RFC 6265 5.1.4: the directory of the request's path.
std::string default_path(std::string_view path) {
    if (path.empty() || path.front() != '/') return "/";
    const auto last = path.rfind('/');
    return last == 0 ? "/" : std::string(path.substr(0, last));
}

bool path_matches(std::string_view request_path, std::string_view cookie_path) {
    if (request_path == cookie_path) return true;
    if (!request_path.starts_with(cookie_path)) return false;
    return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

bool domain_matches(const http_url& url, const cookie& c) {
    const std::string host = lower(url.host);
    if (host == c.domain) return true;
    if (c.host_only || url.host_is_ip || host.size() <= c.domain.size()) return false;
    return host.ends_with(c.domain) && host[host.size() - c.domain.size() - 1] == '.';
}

// A public suffix (libpsl: the newer of its own list and the system's);
// with no list at all, every domain is one and cookies stay host-only.
bool is_public_suffix(const std::string& domain) {
    static const psl_ctx_t* const list = psl_latest(nullptr);
    return !list || psl_is_public_suffix(list, domain.c_str()) == 1;
}

// Where Secure cookies may be set and sent: https, and (as curl and RFC
// 6265bis's "potentially trustworthy" origins) localhost over plain http.
bool secure_context(const http_url& url) {
    return url.tls || url.host == "localhost" || url.host == "127.0.0.1" || url.host == "::1";
}

bool is_delimiter(unsigned char c) {
    return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
           (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

// Leading digits of `token` (at most `most`), the rest must not start with a digit.
std::optional<int> leading_number(std::string_view& token, std::size_t least, std::size_t most) {
    std::size_t n = 0;
    while (n < token.size() && std::isdigit(static_cast<unsigned char>(token[n])))
        ++n;
    if (n < least || n > most) return std::nullopt;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v = v * 10 + (token[i] - '0');
    token.remove_prefix(n);
    return v;
}

} // namespace

std::optional<std::int64_t> parse_cookie_date(std::string_view text) {
    static constexpr std::string_view months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
    std::optional<int> hour, minute, second, day, month, year;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_delimiter(static_cast<unsigned char>(text[i])))
            ++i;
        std::size_t end = i;
        while (end < text.size() && !is_delimiter(static_cast<unsigned char>(text[end])))
            ++end;
        const std::string_view token = text.substr(i, end - i);
        i = end;
        if (token.empty()) continue;
        if (!hour) {
            std::string_view t = token;
            auto h = leading_number(t, 1, 2);
            if (h && t.starts_with(':')) {
                t.remove_prefix(1);
                auto m = leading_number(t, 1, 2);
                if (m && t.starts_with(':')) {
                    t.remove_prefix(1);
                    if (auto s = leading_number(t, 1, 2)) {
                        hour = h, minute = m, second = s;
                        continue;
                    }
                }
            }
        }
        std::string_view t = token;
        if (!day)
            if (auto d = leading_number(t, 1, 2)) {
                day = d;
                continue;
            }
        if (!month && token.size() >= 3) {
            const auto m =
                std::find_if(std::begin(months), std::end(months), [&](std::string_view name) {
                    return iequals(name, token.substr(0, 3));
                });
            if (m != std::end(months)) {
                month = static_cast<int>(m - std::begin(months));
                continue;
            }
        }
        t = token;
        if (!year)
            if (auto y = leading_number(t, 2, 4)) year = y;
    }
    if (!hour || !day || !month || !year) return std::nullopt;
    int y = *year;
    if (y >= 70 && y <= 99) y += 1900;
    if (y <= 69) y += 2000;
    if (*day < 1 || *day > 31 || y < 1601 || *hour > 23 || *minute > 59 || *second > 59)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = *month;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::optional<cookie> parse_set_cookie(std::string_view header, const http_url& url,
                                       std::int64_t now) {
    const auto semicolon = header.find(';');
    const auto pair = header.substr(0, semicolon);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    cookie c;
    c.name = std::string(trim(pair.substr(0, eq)));
    c.value = std::string(trim(pair.substr(eq + 1)));
    if (c.name.empty() || has_control(c.name) || has_control(c.value)) return std::nullopt;
    if (c.name.size() + c.value.size() > cookie_limits{}.max_cookie_bytes) return std::nullopt;
    std::optional<std::int64_t> max_age, expires;
    std::string domain;
    std::string_view rest =
        semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    while (!rest.empty()) {
        const auto next = rest.find(';');
        const auto attribute = rest.substr(0, next);
        rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
        const auto aeq = attribute.find('=');
        const auto key = trim(attribute.substr(0, aeq));
        const auto value =
            aeq == std::string_view::npos ? std::string_view() : trim(attribute.substr(aeq + 1));
        if (value.size() > max_attribute_bytes) continue;
        if (iequals(key, "expires")) {
            expires = parse_cookie_date(value);
        } else if (iequals(key, "max-age")) {
            std::string_view digits = value.starts_with('-') ? value.substr(1) : value;
            if (digits.empty() || digits.size() > 18 ||
                !std::all_of(digits.begin(), digits.end(),
                             [](char ch) { return ch >= '0' && ch <= '9'; }))
                continue;
            const std::int64_t delta = std::stoll(std::string(value));
            max_age = delta <= 0 ? 1 : now + std::min<std::int64_t>(delta, 400LL * 86400 * 365);
        } else if (iequals(key, "domain")) {
            domain = lower(value.starts_with('.') ? value.substr(1) : value);
        } else if (iequals(key, "path")) {
            if (value.starts_with('/')) c.path = std::string(value);
        } else if (iequals(key, "secure")) {
            c.secure = true;
        } else if (iequals(key, "httponly")) {
            c.http_only = true;
        }
    }
    if (max_age)
        c.expires = *max_age;
    else if (expires)
        c.expires = std::max<std::int64_t>(*expires, 1);
    const std::string host = lower(url.host);
    if (domain.empty()) {
        c.domain = host;
    } else if (url.host_is_ip || is_public_suffix(domain)) {
        // An IP address or a public suffix sets host-only cookies, and no
        // other host may name it (RFC 6265 5.3 step 5).
        if (domain != host) return std::nullopt;
        c.domain = host;
    } else {
        c.domain = domain;
        c.host_only = false;
        if (!domain_matches(url, c)) return std::nullopt; // step 6
    }
    if (c.path.empty()) c.path = default_path(url_path(url));
    // Secure cookies come only from a secure context (RFC 6265bis 5.6
    // step 14), and the name prefixes promise how they were set (step 20).
    if (c.secure && !secure_context(url)) return std::nullopt;
    if (c.name.starts_with("__Secure-") && !c.secure) return std::nullopt;
    if (c.name.starts_with("__Host-") && (!c.secure || !c.host_only || c.path != "/"))
        return std::nullopt;
    return c;
}

void cookie_store::add(cookie c, std::int64_t now) {
    const auto same = std::find_if(kept_.begin(), kept_.end(), [&](const kept& k) {
        return k.c.name == c.name && k.c.domain == c.domain && k.c.path == c.path;
    });
    const bool expired = c.expires != 0 && c.expires <= now;
    if (same != kept_.end()) {
        if (expired)
            kept_.erase(same);
        else
            same->c = std::move(c); // keeps its creation order (RFC 6265 5.3 step 11)
        return;
    }
    if (expired) return;
    const std::string domain = c.domain;
    kept_.push_back({std::move(c), next_++});
    const auto in_domain = std::count_if(kept_.begin(), kept_.end(),
                                         [&](const kept& k) { return k.c.domain == domain; });
    if (static_cast<std::size_t>(in_domain) > limits_.per_domain) evict_oldest(domain);
    if (kept_.size() > limits_.total) evict_oldest({});
}

void cookie_store::evict_oldest(std::string_view domain) {
    // kept_ is in arrival order: the first of the domain is its oldest.
    const auto oldest = std::find_if(kept_.begin(), kept_.end(), [&](const kept& k) {
        return domain.empty() || k.c.domain == domain;
    });
    if (oldest != kept_.end()) kept_.erase(oldest);
}

void cookie_store::take(const http_url& url, const std::vector<std::string>& set_cookies,
                        std::int64_t now) {
    for (const auto& header : set_cookies)
        if (auto c = parse_set_cookie(header, url, now)) add(std::move(*c), now);
}

std::string cookie_store::header_for(const http_url& url, std::int64_t now) const {
    std::vector<const kept*> matching;
    const auto path = url_path(url);
    for (const auto& k : kept_) {
        if (k.c.expires != 0 && k.c.expires <= now) continue;
        if (k.c.secure && !secure_context(url)) continue;
        if (domain_matches(url, k.c) && path_matches(path.empty() ? "/" : path, k.c.path))
            matching.push_back(&k);
    }
    std::stable_sort(matching.begin(), matching.end(), [](const kept* a, const kept* b) {
        return a->c.path.size() > b->c.path.size();
    });
    // Bounded as curl bounds it: under 8,190 bytes and at most 150 cookies,
    // the most specific paths first. Unbounded, a server's 50 cookies of
    // 4 KiB would make a field Beast refuses, failing every later request to
    // that site.
    constexpr std::size_t max_header_bytes = 8190, max_cookies_sent = 150;
    std::string header;
    std::size_t sent = 0;
    for (const kept* k : matching) {
        const std::size_t add = (header.empty() ? 0 : 2) + k->c.name.size() + 1 + k->c.value.size();
        if (header.size() + add >= max_header_bytes || sent == max_cookies_sent) break;
        if (!header.empty()) header += "; ";
        header.append(k->c.name).append("=").append(k->c.value);
        ++sent;
    }
    return header;
}

std::vector<cookie> cookie_store::cookies(std::int64_t now) const {
    std::vector<cookie> out;
    for (const auto& k : kept_)
        if (k.c.expires == 0 || k.c.expires > now) out.push_back(k.c);
    return out;
}

} // namespace asyncfetch::http
