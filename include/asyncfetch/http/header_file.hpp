// Request headers kept in a file (-H @FILE), so that secret values stay out
// of argv and shell history. Every value read this way is treated as secret.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <string>
#include <utility>
#include <vector>

namespace asyncfetch::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

// One "Name: value" a line; blank lines, '#' comments and a trailing CR are
// skipped. A problem is "FILE:LINE: what is wrong", never the line itself.
parsed<header_list> read_header_file(const std::string& path);

} // namespace asyncfetch::http
