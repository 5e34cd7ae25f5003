#include "asyncfetch/redis/endpoint.hpp"

#include "asyncfetch/core/text.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace asyncfetch::redis {
std::string endpoint::text() const {
    return (tls ? "rediss://" : "redis://") + host + ":" + std::to_string(port) + "/" + name;
}

parsed<endpoint> parse_endpoint(std::string_view url) {
    const std::string quoted = "'" + std::string(url) + "'";
    // ' ', '{' and '}' are in no URL: name them before the parser refuses the URL.
    if (const auto start = url.find("://"); start != std::string_view::npos) {
        const auto slash = url.find('/', start + 3);
        if (slash != std::string_view::npos && url.find_first_of(" {}", slash) != url.npos)
            return problem("job name '" + std::string(url.substr(slash + 1)) +
                           "' may not contain '/', ' ', '{' or '}'");
    }
    const auto parsed = boost::urls::parse_uri(url);
    if (!parsed || (parsed->scheme() != "redis" && parsed->scheme() != "rediss") ||
        !parsed->has_authority() || parsed->has_query() || parsed->has_fragment())
        return problem(quoted + " is not redis://HOST[:PORT]/NAME or rediss://...");
    const auto& u = *parsed;
    endpoint e;
    e.tls = u.scheme() == "rediss";
    const auto path = u.encoded_path();
    if (path.size() < 2 || path.front() != '/') return problem(quoted + " names no job: add /NAME");
    e.name = std::string(path.substr(1));
    if (e.name.find_first_of("/ {}") != std::string::npos)
        return problem("job name '" + e.name + "' may not contain '/', ' ', '{' or '}'");
    if (u.has_userinfo())
        return problem("credentials in the URL are not supported (they would show in process "
                       "lists): use --redis-password-env");
    if (u.has_port()) {
        // Boost.URL keeps only the low 16 bits of a too-large port: check the text.
        const std::string_view digits = u.port();
        const auto port = port_number(digits);
        if (!port) return problem("invalid port '" + std::string(digits) + "'");
        e.port = *port;
    }
    if (u.host_type() == boost::urls::host_type::ipv6)
        e.host = u.host_ipv6_address().to_string();
    else
        e.host = std::string(u.encoded_host());
    if (e.host.empty()) return problem(quoted + " has no host");
    return e;
}

} // namespace asyncfetch::redis
