#include "asyncfetch/http/decode.hpp"

#include "asyncfetch/core/text.hpp"

#include "asyncfetch/core/error.hpp"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <vector>

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

// brotli: the window is at most 16 MiB by the format (large windows are
// an extension the decoder accepts only when asked).
boost::system::error_code brotli_all(std::string_view in, std::uint64_t max_size, std::string& out,
                                     std::string& why) {
    std::unique_ptr<BrotliDecoderState, decltype(&BrotliDecoderDestroyInstance)> state(
        BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), &BrotliDecoderDestroyInstance);
    if (!state) return make_error_code(errc::decode_failed);
    auto next_in = reinterpret_cast<const std::uint8_t*>(in.data());
    std::size_t avail_in = in.size();
    std::array<char, 64 * 1024> chunk;
    for (;;) {
        auto next_out = reinterpret_cast<std::uint8_t*>(chunk.data());
        std::size_t avail_out = chunk.size();
        const auto rc = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in, &avail_out,
                                                      &next_out, nullptr);
        out.append(chunk.data(), chunk.size() - avail_out);
        if (out.size() > max_size) return make_error_code(errc::body_too_large);
        if (rc == BROTLI_DECODER_RESULT_ERROR) {
            why = std::string("br: ") +
                  BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state.get()));
            return make_error_code(errc::decode_failed);
        }
        if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            why = "br: the stream is truncated";
            return make_error_code(errc::decode_failed);
        }
        if (rc == BROTLI_DECODER_RESULT_SUCCESS) break;
    }
    if (avail_in != 0) {
        why = "br: data after the end of the stream";
        return make_error_code(errc::decode_failed);
    }
    return {};
}

// zstd: one frame or several in a row (skippable ones too), each with a
// window of at most 2^zstd_window_log_max bytes.
boost::system::error_code zstd_all(std::string_view in, std::uint64_t max_size, std::string& out,
                                   std::string& why) {
    std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    if (!ctx ||
        ZSTD_isError(ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, zstd_window_log_max)))
        return make_error_code(errc::decode_failed);
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    std::array<char, 64 * 1024> chunk;
    std::size_t left = 1; // 0 once a frame is complete and nothing more is buffered
    for (;;) {
        ZSTD_outBuffer output{chunk.data(), chunk.size(), 0};
        left = ZSTD_decompressStream(ctx.get(), &output, &input);
        if (ZSTD_isError(left)) {
            if (ZSTD_getErrorCode(left) == ZSTD_error_frameParameter_windowTooLarge)
                why = "zstd: the frame asks for a window over " +
                      std::to_string((1u << zstd_window_log_max) >> 20) + " MiB";
            else
                why = std::string("zstd: ") + ZSTD_getErrorName(left);
            return make_error_code(errc::decode_failed);
        }
        out.append(chunk.data(), output.pos);
        if (out.size() > max_size) return make_error_code(errc::body_too_large);
        // All input taken and the output not full: the decoder has flushed.
        if (input.pos == input.size && output.pos < output.size) break;
    }
    if (left != 0) {
        why = "zstd: the stream is truncated";
        return make_error_code(errc::decode_failed);
    }
    return {};
}

boost::system::error_code decode_one(const std::string& coding, std::string& body,
                                     std::uint64_t max_size, std::string& why) {
    std::string decoded;
    boost::system::error_code ec;
    if (coding == "gzip" || coding == "x-gzip" || coding == "deflate") {
        ec = inflate_all(body, 15 + 32, max_size, decoded);
        // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        if (ec == errc::decode_failed && coding == "deflate") {
            decoded.clear();
            ec = inflate_all(body, -15, max_size, decoded);
        }
        if (ec == errc::decode_failed) why = coding + ": corrupt or truncated data";
    } else if (coding == "br") {
        ec = brotli_all(body, max_size, decoded, why);
    } else if (coding == "zstd") {
        ec = zstd_all(body, max_size, decoded, why);
    } else {
        why = "unsupported content coding '" + coding + "' (asyncfetch decodes " +
              std::string(accepted_encodings) + ")";
        return make_error_code(errc::decode_failed);
    }
    if (!ec) body = std::move(decoded);
    return ec;
}

} // namespace

boost::system::error_code decode_body(std::string_view content_encoding, std::string& body,
                                      std::uint64_t max_size, std::string* why) {
    // The codings in the order they were applied; identity changes nothing.
    std::vector<std::string> codings;
    for (std::string_view rest = content_encoding; !rest.empty();) {
        const auto comma = std::min(rest.find(','), rest.size());
        auto coding = lower(trim(rest.substr(0, comma)));
        rest.remove_prefix(std::min(comma + 1, rest.size()));
        if (!coding.empty() && coding != "identity" && coding != "none")
            codings.push_back(std::move(coding));
    }
    std::string problem;
    boost::system::error_code ec;
    if (codings.size() > max_stacked_codings) {
        problem = "more than " + std::to_string(max_stacked_codings) + " content codings";
        ec = make_error_code(errc::decode_failed);
    }
    for (auto it = codings.rbegin(); !ec && !body.empty() && it != codings.rend(); ++it)
        ec = decode_one(*it, body, max_size, problem);
    if (why) *why = std::move(problem);
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
