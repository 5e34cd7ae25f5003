#include "asyncfetch/http/decode.hpp"

#include "asyncfetch/core/text.hpp"

#include "asyncfetch/core/error.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace asyncfetch::http {
namespace {

// window_bits: 15+32 detects zlib or gzip headers; -15 is raw deflate.
boost::system::error_code inflate_all(std::string_view in, int window_bits, std::uint64_t max_size,
                                      std::string& out) {
    z_stream zs{};
    if (inflateInit2(&zs, window_bits) != Z_OK) return make_error_code(errc::decode_failed);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    std::array<char, 64 * 1024> chunk;
    int rc = Z_OK;
    boost::system::error_code ec;
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            ec = make_error_code(errc::decode_failed);
            break;
        }
        out.append(chunk.data(), chunk.size() - zs.avail_out);
        if (out.size() > max_size) {
            ec = make_error_code(errc::body_too_large);
            break;
        }
        if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
            ec = make_error_code(errc::decode_failed); // truncated stream
            break;
        }
    }
    inflateEnd(&zs);
    return ec;
}

} // namespace

boost::system::error_code decode_body(std::string_view content_encoding, std::string& body,
                                      std::uint64_t max_size) {
    const auto coding = lower(trim(content_encoding));
    if (coding.empty() || coding == "identity") return {};
    if (coding != "gzip" && coding != "x-gzip" && coding != "deflate") {
        return make_error_code(errc::decode_failed);
    }
    std::string decoded;
    auto ec = inflate_all(body, 15 + 32, max_size, decoded);
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
    if (ec == errc::decode_failed && coding == "deflate") {
        decoded.clear();
        ec = inflate_all(body, -15, max_size, decoded);
    }
    if (!ec) body = std::move(decoded);
    return ec;
}

std::string gzip_compress(std::string_view data) {
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

} // namespace asyncfetch::http
