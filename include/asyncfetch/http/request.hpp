// One HTTP request as a user asks for it: a URL, a method, its own headers
// and a body. What a redirect does to the method and body, and which methods
// may be sent again on their own, follow RFC 9110 and curl -L.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncfetch::http {

struct request {
    std::string url;
    std::string method = "GET";
    std::vector<std::pair<std::string, std::string>> headers; // after -H, replacing theirs
    std::string body;                                         // sent when not empty
};

// The largest request body read from a file, stdin or an input line.
inline constexpr std::uint64_t max_request_body = 64ull << 20;

// A method as written: an RFC 9110 token (case kept, as curl -X keeps it).
parsed<std::string> parse_method(std::string_view text);

// RFC 9110 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE mean the same
// when sent twice, so a failed attempt may be repeated automatically.
bool is_idempotent(std::string_view method);

// A CR, LF or NUL byte in `text`: what would end a line of an HTTP/1.1 head.
bool breaks_line(std::string_view text);

// What keeps a header field from being sent as given: a name that is not a
// token, or a value with a line break or NUL (which would end the field
// and start another, or another request). The value is never quoted: it
// may be a secret.
std::optional<std::string> header_problem(std::string_view name, std::string_view value);

// The method and body for the request that follows a redirect with
// `status`, as curl -L does: 303 turns anything but HEAD into a GET,
// 301 and 302 turn a POST into a GET (what browsers do, against the letter
// of RFC 9110), 307 and 308 keep method and body. A request turned into a GET
// loses its body.
void follow_redirect_method(unsigned status, std::string& method, std::string& body);

} // namespace asyncfetch::http
