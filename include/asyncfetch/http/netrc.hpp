// Credentials from a netrc file (--netrc, --netrc-file), read as curl reads
// one: "machine NAME", "default", "login", "password", "account" (ignored)
// and "macdef NAME" (its body, up to a blank line, skipped); tokens split by
// white space or double-quoted with \" \\ \n \r \t escapes (curl 7.84+).
// The first entry for a host wins, "default" when none names it. A
// credential goes only where its host's own origin is asked (client.cpp).
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::http {

struct netrc_entry {
    std::string machine; // empty: the "default" entry
    std::string login, password;
};

using netrc = std::vector<netrc_entry>;

// The file's text parsed; a problem is "NAME:LINE: what is wrong" and never
// quotes a token (it may be a password).
parsed<netrc> parse_netrc(std::string_view text, const std::string& name);

// Reads and parses a file (at most 1 MiB).
parsed<netrc> read_netrc(const std::string& path);

// ~/.netrc ($HOME's); empty when HOME is not set.
std::string default_netrc_path();

// The entry for `host` (case-insensitive), else the default; nullopt: none.
// An entry without a login and password gives nothing, as in curl.
std::optional<netrc_entry> netrc_for(const netrc& entries, std::string_view host);

} // namespace asyncfetch::http
