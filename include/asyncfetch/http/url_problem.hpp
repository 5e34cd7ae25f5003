// Checking a URL without keeping it: what a list of targets needs before
// the run (implemented beside parse_url in http/url.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::http {

// parse_url's problem with `text`, the same words, or none; without
// building the http_url (its copies and normalisation).
std::optional<std::string> url_problem(std::string_view text);

} // namespace asyncfetch::http
