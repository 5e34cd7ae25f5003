#include "asyncfetch/http/url.hpp"

#include "asyncfetch/core/text.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>

namespace asyncfetch::http {
namespace {

// Splits a parsed absolute URL into what connecting and requesting need.
parsed<http_url> from_parsed(boost::urls::url u) {
    const std::string scheme = lower(u.scheme());
    if (scheme != "http" && scheme != "https") {
        return problem("unsupported scheme '" + std::string(u.scheme()) + "' (use http or https)");
    }
    if (!u.has_authority() || u.encoded_host().empty()) return problem("missing host name");
    if (u.has_userinfo())
        return problem("credentials in URLs are not supported (they would end up in records)");
    // Boost.URL 1.81 ends a port at its last digit and takes what follows as a
    // path, even without a '/' ("http://h:80x": port 80, path "x").
    if (!u.encoded_path().empty() && u.encoded_path().front() != '/')
        return problem("malformed URL: '" + std::string(u.encoded_authority()) +
                       "' is followed by '" + std::string(u.encoded_path()) +
                       "' (a port is digits only; a path starts with '/')");

    http_url out;
    out.tls = scheme == "https";
    const std::uint16_t default_port = out.tls ? 443 : 80;
    if (u.has_port()) {
        // Boost.URL keeps only the low 16 bits of a too-large port: check the text.
        const std::string_view digits = u.port();
        const auto port = port_number(digits);
        if (!port) return problem("invalid port '" + std::string(digits) + "'");
        out.port = *port;
    } else {
        out.port = default_port;
    }

    switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
        out.host = u.host_ipv4_address().to_string();
        out.host_is_ip = true;
        break;
    case boost::urls::host_type::ipv6:
        out.host = u.host_ipv6_address().to_string();
        out.host_is_ip = true;
        break;
    case boost::urls::host_type::name:
        out.host = lower(u.host_name());
        break;
    default:
        return problem("unsupported host '" + std::string(u.encoded_host()) + "'");
    }

    // Scheme and host case, default port and fragment do not change the
    // resource: drop them so records and redirect checks compare equal.
    u.set_scheme(scheme);
    if (u.host_type() == boost::urls::host_type::name) u.set_host(out.host);
    if (out.port == default_port) u.remove_port();
    u.remove_fragment();
    if (u.encoded_path().empty()) u.set_encoded_path("/");
    u.normalize_path();

    const std::string bracketed =
        u.host_type() == boost::urls::host_type::ipv6 ? "[" + out.host + "]" : out.host;
    out.host_header =
        out.port == default_port ? bracketed : bracketed + ":" + std::to_string(out.port);
    out.request_target = std::string(u.encoded_target());
    out.text = std::string(u.buffer());
    return out;
}

} // namespace

std::string http_url::origin() const {
    return (tls ? "https://" : "http://") + host_header;
}

parsed<http_url> parse_url(std::string_view text) {
    if (text.empty()) return problem("empty URL");
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        if (text.find("://") == std::string_view::npos) {
            return problem("not an absolute URL (expected http://HOST/... or https://HOST/...)");
        }
        return problem("malformed URL: " + parsed.error().message());
    }
    return from_parsed(boost::urls::url(*parsed));
}

parsed<http_url> resolve_location(const http_url& base, std::string_view location) {
    auto ref = boost::urls::parse_uri_reference(location);
    if (!ref)
        return problem("malformed Location '" + std::string(location) +
                       "': " + ref.error().message());
    auto base_url = boost::urls::parse_uri(base.text);
    if (!base_url) return problem("malformed base URL");
    boost::urls::url resolved;
    if (auto r = boost::urls::resolve(*base_url, *ref, resolved); !r) {
        return problem("cannot resolve Location '" + std::string(location) +
                       "': " + r.error().message());
    }
    return from_parsed(std::move(resolved));
}

} // namespace asyncfetch::http
