#include "asyncfetch/http/credentials.hpp"

#include <boost/beast/core/string.hpp>

#include <openssl/evp.h>

#include <algorithm>

namespace asyncfetch::http {

bool is_credential_header(std::string_view name, const std::vector<std::string>& secret_names) {
    const auto same = [name](std::string_view other) { return boost::beast::iequals(name, other); };
    return same("Authorization") || same("Cookie") || same("Proxy-Authorization") ||
           std::any_of(secret_names.begin(), secret_names.end(), same);
}

std::string basic_authorization(std::string_view user_password) {
    std::string b64(4 * ((user_password.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                  reinterpret_cast<const unsigned char*>(user_password.data()),
                                  static_cast<int>(user_password.size()));
    b64.resize(static_cast<std::size_t>(n));
    return "Basic " + b64;
}

bool credentials_may_follow(const http_url& first, const http_url& next, bool location_trusted) {
    if (first.same_origin(next)) return true;
    // Trusted or not, a credential given for TLS never travels in cleartext.
    if (first.tls && !next.tls) return false;
    return location_trusted;
}

} // namespace asyncfetch::http
