// Response bodies with a Content-Encoding: decoded under a size cap, which
// the result never exceeds. The first byte picks the coding and the cap.
#include "asyncfetch/http/decode.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // 16: a first byte with the cap's bit (0x80) picks the same coding as without.
    static constexpr std::array<std::string_view, 16> codings{"gzip",
                                                              "deflate",
                                                              "x-gzip",
                                                              "identity",
                                                              "GZip",
                                                              "",
                                                              "br",
                                                              "gzip, deflate",
                                                              "zstd",
                                                              "br, zstd",
                                                              "gzip, br",
                                                              "ZSTD",
                                                              "x-gzip, deflate, br",
                                                              "identity, zstd",
                                                              "compress",
                                                              "br, br"};
    const std::string_view coding = codings[data[0] % codings.size()];
    const std::uint64_t cap = (data[0] & 0x80) ? 64u << 20 : 1000;
    std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto ec = asyncfetch::http::decode_body(coding, body, cap);
    // Identity bodies are capped by the parser's body limit, not here.
    const bool decoded = coding != "identity" && !coding.empty();
    if (!ec && decoded && body.size() > cap) std::abort();
    return 0;
}
