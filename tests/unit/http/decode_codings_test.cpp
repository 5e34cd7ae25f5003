// br and zstd bodies, stacked codings, and what hostile encoded bodies get.
#include "asyncfetch/http/decode.hpp"

#include "asyncfetch/core/error.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::http;

namespace {
std::string sample_text(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += static_cast<char>('a' + (i * 7) % 26);
    return s;
}

// A zstd frame whose header asks for a 2^window_log byte window, then one
// raw block "hello" (RFC 8878 3.1.1): valid but for the window's size.
std::string zstd_frame_with_window(int window_log) {
    std::string frame = "\x28\xb5\x2f\xfd";             // magic number
    frame += '\0';                                      // no content size, no checksum
    frame += static_cast<char>((window_log - 10) << 3); // window descriptor
    frame += std::string("\x29\x00\x00", 3);            // last block, raw, 5 bytes
    return frame + "hello";
}
} // namespace

TEST_CASE("br and zstd bodies round-trip, whatever the header's case") {
    const auto original = sample_text(300000);
    for (const char* coding : {"br", "BR", " br "}) {
        std::string body = brotli_compress(original);
        CHECK(body.size() < original.size() / 10);
        CHECK_FALSE(decode_body(coding, body, 1 << 20));
        CHECK(body == original);
    }
    for (const char* coding : {"zstd", "ZStd"}) {
        std::string body = zstd_compress(original);
        CHECK(body.size() < original.size() / 10);
        CHECK_FALSE(decode_body(coding, body, 1 << 20));
        CHECK(body == original);
    }
}

TEST_CASE("zstd frames in a row decode as one body") {
    std::string body = zstd_compress("first ") + zstd_compress("second");
    CHECK_FALSE(decode_body("zstd", body, 100));
    CHECK(body == "first second");
}

TEST_CASE("stacked codings are undone last first, as curl does") {
    const auto original = sample_text(50000);
    std::string body = zstd_compress(brotli_compress(gzip_compress(original)));
    CHECK_FALSE(decode_body("gzip, br, zstd", body, 1 << 20));
    CHECK(body == original);

    std::string with_identity = brotli_compress(original);
    CHECK_FALSE(decode_body("identity, br", with_identity, 1 << 20));
    CHECK(with_identity == original);

    std::string six = "x";
    std::string why;
    CHECK(decode_body("gzip, gzip, gzip, gzip, gzip, gzip", six, 1 << 20, &why) ==
          errc::decode_failed);
    CHECK(why == "more than 5 content codings");
}

TEST_CASE("a zstd frame asking for more than an 8 MiB window is refused") {
    std::string fits = zstd_frame_with_window(23);
    CHECK_FALSE(decode_body("zstd", fits, 100));
    CHECK(fits == "hello");

    std::string huge = zstd_frame_with_window(31); // 2 GiB
    std::string why;
    CHECK(decode_body("zstd", huge, 1 << 20, &why) == errc::decode_failed);
    CHECK(why == "zstd: the frame asks for a window over 8 MiB");
}

TEST_CASE("truncated and corrupt br and zstd bodies fail, saying why") {
    const auto original = sample_text(100000);
    std::string why;
    std::string br = brotli_compress(original);
    br.resize(br.size() / 2);
    CHECK(decode_body("br", br, 1 << 20, &why) == errc::decode_failed);
    CHECK(why == "br: the stream is truncated");

    std::string zstd = zstd_compress(original);
    zstd.resize(zstd.size() - 3);
    CHECK(decode_body("zstd", zstd, 1 << 20, &why) == errc::decode_failed);
    CHECK(why == "zstd: the stream is truncated");

    std::string garbage = "this is not zstd at all";
    CHECK(decode_body("zstd", garbage, 1 << 20, &why) == errc::decode_failed);
    CHECK(why.starts_with("zstd: "));

    std::string trailing = brotli_compress("abc") + "junk";
    CHECK(decode_body("br", trailing, 1 << 20, &why) == errc::decode_failed);
    CHECK(why == "br: data after the end of the stream");

    std::string unknown = "abc";
    CHECK(decode_body("compress", unknown, 1 << 20, &why) == errc::decode_failed);
    CHECK(why == "unsupported content coding 'compress' (asyncfetch decodes gzip, deflate, "
                 "br, zstd)");
}

TEST_CASE("br and zstd bombs stop at the cap") {
    const std::string zeros(20 << 20, '\0');
    for (const auto& [coding, body] :
         {std::pair{"br", brotli_compress(zeros)}, std::pair{"zstd", zstd_compress(zeros)}}) {
        CAPTURE(coding);
        CHECK(body.size() < 100000);
        std::string bomb = body;
        CHECK(decode_body(coding, bomb, 1 << 20) == errc::body_too_large);
    }
}

TEST_CASE("an empty body has nothing to decode, whatever its coding says") {
    std::string empty;
    CHECK_FALSE(decode_body("br", empty, 10));
    CHECK_FALSE(decode_body("gzip, zstd", empty, 10));
    CHECK(empty.empty());
}
