#include "asyncfetch/http/credentials.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>

namespace asyncfetch::http {

bool is_credential_header(std::string_view name, const std::vector<std::string>& secret_names) {
    const auto same = [name](std::string_view other) { return boost::beast::iequals(name, other); };
    return same("Authorization") || same("Cookie") || same("Proxy-Authorization") ||
           std::any_of(secret_names.begin(), secret_names.end(), same);
}

bool credentials_may_follow(const http_url& first, const http_url& next, bool location_trusted) {
    if (first.origin() == next.origin()) return true;
    // Trusted or not, a credential given for TLS never travels in cleartext.
    if (first.tls && !next.tls) return false;
    return location_trusted;
}

} // namespace asyncfetch::http
