// A request written as one JSON object on a line of the input file, so an
// API fan-out needs no shell loop:
//   {"url": "https://api.example/items", "method": "PUT", "id": 7,
//    "headers": {"X-Trace": "a"}, "body": {"name": "x"}}
// "url" is required; "method" defaults to POST with a body, else GET (as
// curl -d does) unless -X says otherwise; "body" is a string sent as written,
// or any other JSON value sent as JSON (Content-Type: application/json unless
// "headers" sets one); "body_file" names a file sent as the body instead;
// "id" (a string or number) is copied into the record.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/http/request.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace asyncfetch::http {

struct request_line {
    request req;           // method empty when the line gives none
    nlohmann::json id;     // null when the line gives none
    std::string body_file; // empty when the line gives none
    bool has_body = false; // "body" or "body_file" given (else --data's body is sent)
};

// Whether an input line is a request object rather than a URL.
inline bool is_request_line(std::string_view text) {
    return text.starts_with('{');
}

// Reads one request object; a problem names the key ("headers.Accept: ...").
parsed<request_line> parse_request_line(std::string_view text);

// The body of a file (at most max_request_body bytes), or what is wrong.
parsed<std::string> read_body_file(const std::string& path);

// A body as --data gives it: @FILE, @- (standard input, bounded as a file)
// or the text itself. Bytes are sent as they are (curl -d would drop the
// newlines of a file; this is curl --data-binary).
parsed<std::string> read_data(const std::string& spec);

} // namespace asyncfetch::http
