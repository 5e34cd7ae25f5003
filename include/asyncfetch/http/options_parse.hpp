// The HTTP client's options as people write them (flags, config keys), read
// into client_options' types. The CLI and the JSON config both call these and
// share the bounds below; the defaults are client_options' initialisers.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/http/client.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncfetch::http {

using header = std::pair<std::string, std::string>;

// "Name: value" (spaces after the colon dropped).
parsed<header> parse_header_line(std::string_view text);

// "NAME=VAR": header NAME, its (secret) value in environment variable VAR.
parsed<header> parse_header_env(std::string_view spec);

// --json, a config's "json": the body is JSON and so is the answer wanted
// (as curl --json); put first, so -H and a request's headers may replace them.
void add_json_headers(std::vector<header>& headers);

// --record-headers "ETag,Last-Modified": header names, each a token.
parsed<std::vector<std::string>> parse_header_names(std::string_view list);

// A config's "http_version": "auto" (HTTP/2 where ALPN offers it), "1.1", "2".
parsed<http_version> parse_http_version(std::string_view text);

// Bounds of the counted options.
inline constexpr long long max_per_host = 100000; // 0: no limit
inline constexpr long long max_retries = 100;
inline constexpr long long max_redirects_bound = 100;

} // namespace asyncfetch::http
