#include "asyncfetch/core/dns_options.hpp"

#include "asyncfetch/core/text.hpp"

#include <boost/asio/ip/address.hpp>

namespace asyncfetch::dns {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// One server as "ADDR:PORT" or "[ADDR6]:PORT", written back in that form.
parsed<std::string> parse_server(std::string_view item) {
    std::string_view host = item, port_text;
    if (item.starts_with('[')) {
        const auto close = item.find(']');
        if (close == std::string_view::npos)
            return problem("'" + std::string(item) + "': missing ']'");
        host = item.substr(1, close - 1);
        const auto rest = item.substr(close + 1);
        if (!rest.empty()) {
            if (!rest.starts_with(':'))
                return problem("'" + std::string(item) + "': expected ':PORT' after ']'");
            port_text = rest.substr(1);
        }
    } else if (const auto colon = item.find(':');
               colon != std::string_view::npos && item.find(':', colon + 1) == item.npos) {
        host = item.substr(0, colon); // one colon: ADDR:PORT (more: a bare IPv6 address)
        port_text = item.substr(colon + 1);
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec)
        return problem("'" + std::string(item) +
                       "': not an IP address (host names cannot be servers)");
    unsigned port = 53;
    if (!port_text.empty() || item.ends_with(':')) {
        const auto given = port_number(port_text);
        if (!given) return problem("'" + std::string(item) + "': port must be 1-65535");
        port = *given;
    }
    if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
    return address.to_string() + ":" + std::to_string(port);
}

} // namespace

parsed<resolver_kind> parse_resolver_kind(std::string_view text) {
    if (text == "cares") return resolver_kind::cares;
    if (text == "system") return resolver_kind::system;
    return problem("unknown resolver '" + std::string(text) + "' (use cares or system)");
}

parsed<server_list> parse_dns_servers(std::string_view text) {
    server_list out;
    while (true) {
        const auto comma = text.find(',');
        const auto item = trim(text.substr(0, comma));
        if (item.empty()) return problem("empty entry in the DNS server list");
        const auto server = parse_server(item);
        if (!server) return problem(server.problem());
        if (!out.csv.empty()) out.csv += ',';
        out.csv += *server;
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

std::string check(const dns_options& options) {
    if (options.kind == resolver_kind::system && !options.servers.empty())
        return "--dns-servers needs the c-ares resolver (getaddrinfo always reads resolv.conf)";
    if (options.kind == resolver_kind::system && !options.resolv_conf.empty())
        return "another resolv.conf needs the c-ares resolver";
    return "";
}

} // namespace asyncfetch::dns
