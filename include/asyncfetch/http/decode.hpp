// Content-Encoding decoding of response bodies (gzip, deflate) with zlib,
// bounded so that a small compressed body cannot expand past the body cap.
#pragma once

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace asyncfetch::http {

// Decodes `body` in place according to the Content-Encoding header value
// (identity, gzip, x-gzip, deflate; case-insensitive). Fails with
// errc::decode_failed for corrupt data or an unknown coding, and with
// errc::body_too_large when the result would exceed `max_size`.
boost::system::error_code decode_body(std::string_view content_encoding, std::string& body,
                                      std::uint64_t max_size);

// gzip-compresses data (used by the test server and tests).
std::string gzip_compress(std::string_view data);

} // namespace asyncfetch::http
