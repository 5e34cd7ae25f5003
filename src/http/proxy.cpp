#include "asyncfetch/http/proxy.hpp"

#include "asyncfetch/http/credentials.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace asyncfetch::http {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The lower-case variable, else the upper-case one (unless `lower_only`).
const char* env(const char* name, bool lower_only = false) {
    if (const char* v = std::getenv(lower(name).c_str()); v && *v) return v;
    if (lower_only) return nullptr;
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

} // namespace

parsed<proxy> parse_proxy_url(std::string_view text) {
    std::string with_scheme(text);
    if (with_scheme.find("://") == std::string::npos) with_scheme = "http://" + with_scheme;
    auto parsed_url = boost::urls::parse_uri(with_scheme);
    if (!parsed_url) return problem("not a proxy URL (scheme://[user:password@]host[:port])");
    const boost::urls::url_view u = *parsed_url;
    proxy p;
    const auto scheme = lower(u.scheme());
    if (scheme == "http")
        p.type = proxy::kind::http;
    else if (scheme == "socks5")
        p.type = proxy::kind::socks5;
    else if (scheme == "socks5h")
        p.type = proxy::kind::socks5h;
    else
        return problem("proxy scheme '" + scheme + "' is not http, socks5 or socks5h");
    p.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.host_address())
                                                           : lower(u.host_address());
    if (p.host.empty()) return problem("the proxy URL has no host");
    p.host_is_ip = u.host_type() == boost::urls::host_type::ipv4 ||
                   u.host_type() == boost::urls::host_type::ipv6;
    if (u.has_port()) {
        if (u.port_number() == 0) return problem("the proxy URL's port is not 1-65535");
        p.port = u.port_number();
    }
    if (u.has_userinfo()) {
        const std::string credentials = std::string(u.user()) + ":" + std::string(u.password());
        p.authorization =
            p.type == proxy::kind::http ? basic_authorization(credentials) : credentials;
    }
    const std::string shown_host =
        u.host_type() == boost::urls::host_type::ipv6 ? "[" + p.host + "]" : p.host;
    p.name = scheme + "://" + shown_host + ":" + std::to_string(p.port);
    return p;
}

bool no_proxy_matches(std::string_view list, std::string_view host_text) {
    const auto host = lower(host_text);
    while (!list.empty()) {
        const auto end = list.find_first_of(", ");
        auto entry = list.substr(0, end);
        list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
        if (entry.empty()) continue;
        if (entry == "*") return true;
        if (entry.front() == '.') entry.remove_prefix(1);
        if (entry.size() > 2 && entry.front() == '[' && entry.back() == ']')
            entry = entry.substr(1, entry.size() - 2);
        const auto name = lower(entry);
        if (host == name) return true;
        if (host.size() > name.size() && host.ends_with(name) &&
            host[host.size() - name.size() - 1] == '.')
            return true;
    }
    return false;
}

parsed<proxy_settings> choose_proxies(const char* proxy_flag, const char* noproxy_flag) {
    proxy_settings out;
    auto read = [](const char* text, const std::string& where,
                   std::optional<proxy>& into) -> std::optional<parse_problem> {
        if (!text) return std::nullopt;
        auto p = parse_proxy_url(text);
        if (!p) return problem(where + ": " + p.problem());
        into = std::move(*p);
        return std::nullopt;
    };
    if (proxy_flag && *proxy_flag == '\0') {
        // --proxy "": no proxy at all, as curl.
    } else if (proxy_flag) {
        if (auto why = read(proxy_flag, "--proxy", out.for_http)) return *why;
        if (!out.for_http->authorization.empty())
            return problem("--proxy: credentials in a proxy URL belong in the environment "
                           "(http_proxy, HTTPS_PROXY, ALL_PROXY), never in argv or a config");
        out.for_https = out.for_http;
    } else {
        const char* all = env("ALL_PROXY");
        const char* http = env("HTTP_PROXY", true);
        const char* https = env("HTTPS_PROXY");
        if (auto why = read(http ? http : all, http ? "http_proxy" : "ALL_PROXY", out.for_http))
            return *why;
        if (auto why =
                read(https ? https : all, https ? "HTTPS_PROXY" : "ALL_PROXY", out.for_https))
            return *why;
    }
    const char* no_proxy = noproxy_flag ? noproxy_flag : env("NO_PROXY");
    if (no_proxy) out.no_proxy = no_proxy;
    return out;
}

const proxy* proxy_for(const proxy_settings& settings, const http_url& url) {
    const auto& p = url.tls ? settings.for_https : settings.for_http;
    if (!p || no_proxy_matches(settings.no_proxy, url.host)) return nullptr;
    return &*p;
}

} // namespace asyncfetch::http
