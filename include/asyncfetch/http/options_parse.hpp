// The HTTP client's options as people write them (flags, config keys), read
// into client_options' types. The CLI and the JSON config both call these and
// share the bounds below; the defaults are client_options' initialisers.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace asyncfetch::http {

using header = std::pair<std::string, std::string>;

// "Name: value" (spaces after the colon dropped).
parsed<header> parse_header_line(std::string_view text);

// "NAME=VAR": header NAME, its (secret) value in environment variable VAR.
parsed<header> parse_header_env(std::string_view spec);

// Bounds of the counted options.
inline constexpr long long max_per_host = 100000; // 0: no limit
inline constexpr long long max_retries = 100;
inline constexpr long long max_redirects_bound = 100;

} // namespace asyncfetch::http
