// brotli and zstd compression, for the test server's encoded endpoints and
// the tests (gzip_compress is in decode.cpp, next to zlib's decoding).
#include "asyncfetch/http/decode.hpp"

#include <brotli/encode.h>
#include <zstd.h>

namespace asyncfetch::http {

std::string brotli_compress(std::string_view data) {
    std::size_t size = BrotliEncoderMaxCompressedSize(data.size());
    if (size == 0) size = data.size() + 1024; // the bound overflowed: never for test data
    std::string out(size, '\0');
    BrotliEncoderCompress(6, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, data.size(),
                          reinterpret_cast<const std::uint8_t*>(data.data()), &size,
                          reinterpret_cast<std::uint8_t*>(out.data()));
    out.resize(size);
    return out;
}

std::string zstd_compress(std::string_view data) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const auto size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
    out.resize(ZSTD_isError(size) ? 0 : size);
    return out;
}

} // namespace asyncfetch::http
