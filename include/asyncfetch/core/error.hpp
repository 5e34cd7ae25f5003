// Error codes of asyncfetch's own failures, as a std::error_code category.
// Errors from the OS, Asio, Beast or OpenSSL keep their own categories; these
// name what only asyncfetch knows (which phase timed out, which limit was hit).
// A user's cancel (Ctrl-C) has no code here: it is Asio's operation_aborted
// throughout, and core/record_boundary.hpp makes it a "cancelled" record.
#pragma once

#include <boost/system/error_code.hpp>

namespace asyncfetch {

enum class errc {
    ok = 0,
    resolve_timeout,    // name resolution took longer than its limit
    connect_timeout,    // TCP connect took longer than its limit
    tls_timeout,        // TLS handshake took longer than its limit
    request_timeout,    // the whole request (send + response) took too long
    body_too_large,     // response body over --max-body
    too_many_redirects, // more redirects than --max-redirects
    bad_redirect,       // a Location header that is not a usable URL
    http_status,        // the server answered with a 4xx/5xx status
    bad_url,            // a target that is not a valid http(s) URL
    unsupported_scheme, // a scheme other than http/https
    decode_failed,      // gzip/deflate body that does not decompress
    connection_closed,  // peer closed before a complete response
    response_too_large, // headers, a chunk line or trailers over their bound
    unasked_response,   // a response no request asked for (101, endless 1xx)
    stream_reset,       // HTTP/2: the server reset the request's stream (RST_STREAM)
};

const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace asyncfetch

template <>
struct boost::system::is_error_code_enum<asyncfetch::errc> : std::true_type {};
