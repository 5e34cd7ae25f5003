// Credentials stay with their origin. Request headers that carry them are
// sent only to the origin (scheme, host and port) of the URL they were given
// for, as curl does since CVE-2018-1000007; the user may trust every
// redirect target (--location-trusted), but a credential given for https is
// never sent over plain http. One rule for -H, -H @FILE, --header-env and a
// config job's "headers".
#pragma once

#include "asyncfetch/http/url.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::http {

// Authorization, Cookie, Proxy-Authorization, or one of `secret_names` (the
// headers the user marked secret); names compare case-insensitively.
bool is_credential_header(std::string_view name, const std::vector<std::string>& secret_names);

// "Basic BASE64(user:password)" (RFC 7617), for Authorization and
// Proxy-Authorization.
std::string basic_authorization(std::string_view user_password);

// Whether credentials given for `first`, the URL a redirect chain started
// at, may be sent to `next`, a URL along that chain.
bool credentials_may_follow(const http_url& first, const http_url& next, bool location_trusted);

} // namespace asyncfetch::http
