#include "asyncfetch/ssh/hosts.hpp"

#include "asyncfetch/core/text.hpp"

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <utility>

namespace asyncfetch::ssh {
namespace {

bool valid_name(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
        if (!ok) return false;
    }
    return s.front() != '-' && s.front() != '.';
}

} // namespace

std::string host_spec::display() const {
    const bool v6 = host.find(':') != std::string::npos;
    std::string out = user.empty() ? "" : user + "@";
    out += v6 ? "[" + host + "]" : host;
    if (port != 0) out += ":" + std::to_string(port);
    return out;
}

// Where a password would sit: between the first ':' and the last '@'.
std::optional<std::pair<std::size_t, std::size_t>> password_span(std::string_view text) {
    const auto at = text.rfind('@');
    if (at == std::string_view::npos) return std::nullopt;
    const auto colon = text.substr(0, at).find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    return std::pair{colon, at};
}

parsed<host_spec> parse_host_line(std::string_view text) {
    host_spec spec;
    // First, so that no other problem is reported with the secret in view.
    if (password_span(text))
        return problem("a password in a hosts line is refused (it would be kept in a plain "
                       "file and could appear in messages): use --password-env VAR, "
                       "--password-file FILE or -A");
    if (text.find_first_of(" \t") != std::string_view::npos)
        return problem("unexpected white space");
    if (const auto at = text.rfind('@'); at != std::string_view::npos) {
        spec.user = std::string(text.substr(0, at));
        if (spec.user.empty()) return problem("empty user name before '@'");
        // The user names files too (ssh_config's %r): no '/', spaces or control bytes.
        for (const char c : spec.user)
            if (c == '/' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
                return problem("invalid user name '" + printable(spec.user) + "'");
        text.remove_prefix(at + 1);
    }
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return problem("missing ']' after IPv6 address");
        spec.host = std::string(text.substr(1, close - 1));
        boost::system::error_code ec;
        boost::asio::ip::make_address_v6(spec.host, ec);
        // A scope (fe80::1%eth0) is an interface name: Asio takes any text there,
        // and the host names files (--out-dir, get, ssh_config's %h).
        const auto scope = spec.host.find('%');
        const bool bad_scope =
            scope != std::string::npos &&
            (scope + 1 == spec.host.size() ||
             spec.host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789._-",
                                         scope + 1) != std::string::npos ||
             spec.host.find("..", scope) != std::string::npos);
        if (ec || bad_scope) return problem("invalid IPv6 address '" + printable(spec.host) + "'");
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return problem("expected ':PORT' after ']'");
            port_text = rest.substr(1);
            if (port_text.empty()) return problem("empty port after ':'");
        }
    } else {
        const auto colon = text.find(':');
        if (colon != std::string_view::npos &&
            text.find(':', colon + 1) != std::string_view::npos) {
            return problem("IPv6 addresses need brackets: [ADDRESS]:PORT");
        }
        spec.host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = text.substr(colon + 1);
            if (port_text.empty()) return problem("empty port after ':'");
        }
        if (!valid_name(spec.host)) return problem("invalid host name '" + spec.host + "'");
    }
    if (!port_text.empty()) {
        const auto port = port_number(port_text);
        if (!port) return problem("invalid port '" + std::string(port_text) + "'");
        spec.port = *port;
    }
    return spec;
}

std::string printable_host_line(std::string_view text) {
    const auto secret = password_span(text);
    if (!secret) return std::string(text);
    return std::string(text.substr(0, secret->first)) + ":***" +
           std::string(text.substr(secret->second));
}

parsed<std::vector<host_spec>> parse_jump_hosts(std::string_view text) {
    std::vector<host_spec> hops;
    if (text == "none") return hops;
    std::size_t start = 0;
    for (;;) {
        const auto comma = text.find(',', start);
        const auto hop =
            text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
        auto spec = parse_host_line(hop);
        if (!spec)
            return problem("jump host '" + printable_host_line(hop) + "': " + spec.problem());
        hops.push_back(std::move(spec).value());
        if (hops.size() > max_jump_hops)
            return problem("more than " + std::to_string(max_jump_hops) + " jump hosts");
        if (comma == std::string_view::npos) return hops;
        start = comma + 1;
    }
}

} // namespace asyncfetch::ssh
