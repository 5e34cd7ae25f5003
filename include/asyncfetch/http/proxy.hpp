// Which proxy a URL goes through, as curl decides it: --proxy for every URL,
// else the environment: http_proxy (lower-case only, as curl: a CGI server
// sets HTTP_PROXY from a request's Proxy: header) for http URLs,
// HTTPS_PROXY/https_proxy for https, ALL_PROXY/all_proxy for both; then
// --noproxy, else NO_PROXY/no_proxy, lists the hosts reached directly.
// Credentials in a proxy URL's userinfo become a Proxy-Authorization (Basic)
// and are never shown: a proxy is named by scheme, host and port only.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/http/url.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::http {

struct proxy {
    enum class kind { http, socks5, socks5h }; // socks5h: the proxy resolves names
    kind type = kind::http;
    std::string host; // no brackets around IPv6
    bool host_is_ip = false;
    std::uint16_t port = 1080;
    std::string authorization; // "Basic ..." (http) or "user:password" (socks5); secret
    std::string name;          // "http://proxy.example:3128": for messages
};

// "http://[user:pass@]host[:port]", "socks5://...", "socks5h://...", or
// "host:port" (http, as curl); the default port is 1080, as curl's.
// A problem never repeats the URL (it may hold a password).
parsed<proxy> parse_proxy_url(std::string_view text);

// curl's NO_PROXY: "*" is every host; otherwise names, each matching
// itself and its subdomains (a leading '.' ignored), and IP addresses,
// compared case-insensitively; ports are not compared.
bool no_proxy_matches(std::string_view list, std::string_view host);

struct proxy_settings {
    std::optional<proxy> for_http, for_https;
    std::string no_proxy;
};

// From --proxy and --noproxy when given (nullptr: not given; --proxy "":
// none), else the environment. A problem names the variable or flag;
// credentials are refused in --proxy (argv and configs are not secret).
parsed<proxy_settings> choose_proxies(const char* proxy_flag, const char* noproxy_flag);

// The proxy `url` goes through, or null to go directly.
const proxy* proxy_for(const proxy_settings& settings, const http_url& url);

} // namespace asyncfetch::http
