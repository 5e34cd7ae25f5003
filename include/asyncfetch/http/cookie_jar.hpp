// The Netscape cookie file curl reads (-b FILE) and writes (--cookie-jar):
// one cookie a line, seven tab-separated fields (domain, include
// subdomains, path, secure, expires, name, value), "#HttpOnly_" before the
// domain of an HttpOnly cookie, other '#' lines and blank lines skipped.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/http/cookies.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::http {

// A problem is "NAME:LINE: what is wrong" (never the value).
parsed<std::vector<cookie>> parse_cookie_jar(std::string_view text, const std::string& name);
// Reads a jar of at most 16 MiB.
parsed<std::vector<cookie>> read_cookie_jar(const std::string& path);
// The file's text, with curl's header lines.
std::string format_cookie_jar(const std::vector<cookie>& cookies);
// Written atomically (temp + rename), mode 0600 as the values are secrets;
// returns an empty string or what went wrong.
std::string write_cookie_jar(const std::string& path, const std::vector<cookie>& cookies);

} // namespace asyncfetch::http
