// Request headers kept in a file (-H @FILE), so that secret values stay out
// of argv and shell history. Every value read this way is treated as secret.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace asyncfetch::http {

struct header_file {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string problem; // "FILE:LINE: what is wrong" (never the line itself); empty when fine
};

// One "Name: value" a line; blank lines, '#' comments and a trailing CR are
// skipped.
header_file read_header_file(const std::string& path);

} // namespace asyncfetch::http
