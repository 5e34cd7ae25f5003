// What one HTTP response told the client (the same for HTTP/1.1 and
// HTTP/2), and how a header field is read into it. Private to src/http.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncfetch::http::detail {

// What a response told us that the redirect, decode and retry steps need.
// The fields come from the header section only: trailers cannot redirect,
// set an encoding or anything else.
struct response {
    unsigned status = 0;
    std::string reason, location, content_encoding, content_type, retry_after, body;
    std::string content_range;
    std::string etag, last_modified;      // the validators (--cache)
    std::vector<std::string> set_cookies; // bounded by the header section's cap
    std::vector<std::pair<std::string, std::string>> recorded; // --record-headers
    bool keep_alive = false;     // the connection may carry the next request
    bool got_some = false;       // any byte of a response arrived
    bool saved = false;          // the body went to the download, not `body`
    bool range_rejected = false; // a 206 for other bytes than asked: not read
};

// Header fields as (name, value), in order.
using field_list = std::vector<std::pair<std::string, std::string>>;

// message_fields.cpp: what one response header field tells the client
// (the same for HTTP/1.1 and HTTP/2).
void take_field(std::string_view name, std::string_view value,
                const std::vector<std::string>& record_headers, response& resp);

} // namespace asyncfetch::http::detail
