#include "asyncfetch/http/url.hpp"
#include "asyncfetch/http/url_problem.hpp"

#include "asyncfetch/core/text.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace asyncfetch::http {
namespace {

// What makes a parsed absolute URL unusable for us, in the order the
// problems are reported; none: it can be split (from_parsed).
std::optional<std::string> parsed_problem(const boost::urls::url_view& u,
                                          const std::string& scheme) {
    if (scheme != "http" && scheme != "https") {
        return "unsupported scheme '" + std::string(u.scheme()) + "' (use http or https)";
    }
    if (!u.has_authority() || u.encoded_host().empty()) return "missing host name";
    if (u.has_userinfo())
        return "credentials in URLs are not supported (they would end up in records)";
    // Boost.URL 1.81 ends a port at its last digit and takes what follows as a
    // path, even without a '/' ("http://h:80x": port 80, path "x").
    if (!u.encoded_path().empty() && u.encoded_path().front() != '/')
        return "malformed URL: '" + std::string(u.encoded_authority()) + "' is followed by '" +
               std::string(u.encoded_path()) + "' (a port is digits only; a path starts with '/')";
    // Boost.URL keeps only the low 16 bits of a too-large port: check the text.
    if (u.has_port() && !port_number(u.port()))
        return "invalid port '" + std::string(u.port()) + "'";
    const auto type = u.host_type();
    if (type != boost::urls::host_type::ipv4 && type != boost::urls::host_type::ipv6 &&
        type != boost::urls::host_type::name)
        return "unsupported host '" + std::string(u.encoded_host()) + "'";
    // A name is percent-decoded for DNS, SNI and the Host header: what it
    // decodes to must still be a host name ("a%0d%0aX:%201" would be a line
    // break in the request). The characters curl refuses in a host name,
    // and control bytes.
    if (type == boost::urls::host_type::name) {
        const auto name = *u.encoded_host_name(); // decoded as it is read, not copied
        const bool refused = std::any_of(name.begin(), name.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte <= 0x20 || byte == 0x7f ||
                   std::string_view("/:#?!@{}[]\\$'\"^`*<>=;,+&()%").find(c) !=
                       std::string_view::npos;
        });
        if (refused)
            return "malformed host name '" + std::string(u.encoded_host()) +
                   "': it decodes to a character no host name has";
    }
    return std::nullopt;
}

std::uint16_t default_port(bool tls) {
    return tls ? 443 : 80;
}

// Fills tls, port, host and host_is_ip of a URL parsed_problem accepted.
void split_host(const boost::urls::url_view& u, const std::string& scheme, http_url& out) {
    out.tls = scheme == "https";
    out.port = u.has_port() ? *port_number(u.port()) : default_port(out.tls);

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
    default: // refused by parsed_problem
        break;
    }
}

// Whether normalising (from_parsed) would leave the URL's text as it is:
// lower-case scheme and host name, no default port, no fragment, a path that
// starts with '/' and has neither a dot segment nor a percent-encoding for
// normalize_path to rewrite. Most URLs of a list are: they skip the copy and
// its rewrites. Checked equal to the rewriting path in a test.
bool already_normal(const boost::urls::url_view& u, const std::string& scheme,
                    const http_url& split) {
    const auto has = [](std::string_view text, auto refused) {
        return std::any_of(text.begin(), text.end(), refused);
    };
    if (u.scheme() != scheme || u.has_fragment()) return false;
    if (u.has_port() && split.port == default_port(split.tls)) return false;
    if (u.host_type() == boost::urls::host_type::name &&
        has(u.encoded_host(), [](char c) { return c == '%' || (c >= 'A' && c <= 'Z'); }))
        return false;
    const std::string_view path = u.encoded_path();
    return !path.empty() && path.find('%') == std::string_view::npos &&
           path.find("/.") == std::string_view::npos;
}

// Splits a parsed absolute URL into what connecting and requesting need.
// Scheme and host case, default port and fragment do not change the
// resource: they are dropped (with dot segments) from a copy, so records and
// redirect checks compare equal. A URL already normal is taken as it is,
// unless `always_rewrite`.
parsed<http_url> from_parsed(const boost::urls::url_view& view, bool always_rewrite) {
    const std::string scheme = lower(view.scheme());
    if (auto why = parsed_problem(view, scheme)) return problem(std::move(*why));

    http_url out;
    split_host(view, scheme, out);
    boost::urls::url rewritten;
    boost::urls::url_view u = view;
    if (always_rewrite || !already_normal(view, scheme, out)) {
        rewritten = view;
        if (rewritten.scheme() != scheme) rewritten.set_scheme(scheme);
        if (rewritten.host_type() == boost::urls::host_type::name) rewritten.set_host(out.host);
        if (out.port == default_port(out.tls)) rewritten.remove_port();
        rewritten.remove_fragment();
        if (rewritten.encoded_path().empty()) rewritten.set_encoded_path("/");
        rewritten.normalize_path();
        u = rewritten;
    }

    const std::string bracketed =
        u.host_type() == boost::urls::host_type::ipv6 ? "[" + out.host + "]" : out.host;
    out.host_header =
        out.port == default_port(out.tls) ? bracketed : bracketed + ":" + std::to_string(out.port);
    out.request_target = std::string(u.encoded_target());
    out.text = std::string(u.buffer());
    return out;
}

} // namespace

std::string http_url::origin() const {
    return (tls ? "https://" : "http://") + host_header;
}

namespace {

// What keeps `text` from being parsed, or its parts, ready for from_parsed.
std::optional<std::string> unparsed(std::string_view text,
                                    boost::system::result<boost::urls::url_view>& parsed) {
    if (text.empty()) return "empty URL";
    parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        if (text.find("://") == std::string_view::npos) {
            return "not an absolute URL (expected http://HOST/... or https://HOST/...)";
        }
        return "malformed URL: " + parsed.error().message();
    }
    return std::nullopt;
}

} // namespace

parsed<http_url> parse_url(std::string_view text) {
    boost::system::result<boost::urls::url_view> parsed;
    if (auto why = unparsed(text, parsed)) return problem(std::move(*why));
    return from_parsed(*parsed, false);
}

parsed<http_url> detail::parse_url_rewriting(std::string_view text) {
    boost::system::result<boost::urls::url_view> parsed;
    if (auto why = unparsed(text, parsed)) return problem(std::move(*why));
    return from_parsed(*parsed, true);
}

std::optional<std::string> url_problem(std::string_view text) {
    boost::system::result<boost::urls::url_view> parsed;
    if (auto why = unparsed(text, parsed)) return why;
    return parsed_problem(*parsed, lower(parsed->scheme()));
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
    return from_parsed(resolved, false);
}

} // namespace asyncfetch::http
