// The start line and header fields of an HTTP/1.1 request, written straight
// from the request's field list: what Beast's serializer writes for the
// message send_request would otherwise build (set() of each field, then
// prepare_payload()), without the message's per-field allocations.
// Private to src/http.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncfetch::http::detail {

struct head_parts {
    std::string_view method;
    std::string_view target;
    std::string_view proxy_authorization;                           // set first; empty: none
    const std::vector<std::pair<std::string, std::string>>& fields; // set() in order
    std::string_view body;
    bool with_length = false; // prepare_payload(): Content-Length as Beast decides
};

enum class head_outcome {
    written,        // in `out`
    leave_to_beast, // Beast's message must send it (below); `out` unspecified
    refused,        // not to be sent at all: `out` holds why
};

// Writes the head into `out` (cleared first). Left to Beast's message: a
// Transfer-Encoding or Content-Length among the fields (Beast rewrites
// them), a TRACE with a body or a field over 64 KiB (Beast refuses them,
// with an exception that becomes the target's error record). Refused,
// whatever the field's source (a -H, an input line, a stored cookie, a
// proxy's credentials): a field name that is not a token, or a line break
// or NUL in a value, the method or the target, which Beast would send as
// they are: the start of another field or request.
head_outcome request_head(const head_parts& request, std::string& out);

} // namespace asyncfetch::http::detail
