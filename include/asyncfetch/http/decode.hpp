// Content-Encoding decoding of response bodies (gzip, deflate with zlib; br
// with libbrotli; zstd with libzstd), bounded so that a small compressed
// body cannot expand past the body cap, nor a zstd frame make the decoder
// hold more than an 8 MiB window (RFC 8878 3.1.1.1.2).
#pragma once

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace asyncfetch::http {

// What asyncfetch asks for (Accept-Encoding) and decodes.
inline constexpr std::string_view accepted_encodings = "gzip, deflate, br, zstd";
// Codings stacked in one response at most, as curl (MAX_ENCODE_STACK).
inline constexpr std::size_t max_stacked_codings = 5;
// log2 of the largest zstd window accepted: 8 MiB.
inline constexpr int zstd_window_log_max = 23;

// Decodes `body` in place according to the Content-Encoding header value
// (identity, gzip, x-gzip, deflate, br, zstd; case-insensitive; a list is
// undone last coding first, as curl does). Fails with errc::decode_failed
// for corrupt or truncated data, an unknown coding or too many of them, and
// with errc::body_too_large when a layer would exceed `max_size`; `why`
// (when given) then says what was wrong, e.g. "zstd: the frame asks for a
// window over 8 MiB". An empty body has nothing to decode.
boost::system::error_code decode_body(std::string_view content_encoding, std::string& body,
                                      std::uint64_t max_size, std::string* why = nullptr);

// Compressors, used by the test server and tests.
std::string gzip_compress(std::string_view data);
std::string brotli_compress(std::string_view data);
std::string zstd_compress(std::string_view data);

} // namespace asyncfetch::http
