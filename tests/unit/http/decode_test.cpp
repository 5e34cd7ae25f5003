#include "asyncfetch/http/decode.hpp"

#include "asyncfetch/core/error.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

using namespace asyncfetch;
using namespace asyncfetch::http;

namespace {
std::string sample(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += static_cast<char>('a' + (i * 7) % 26);
    return s;
}

std::string zlib_compress(const std::string& in, int window_bits) {
    z_stream zs{};
    deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, in.size()) + 16, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}
} // namespace

TEST_CASE("gzip bodies round-trip, whatever the header's case") {
    const auto original = sample(200000);
    for (const char* coding : {"gzip", "GZIP", "x-gzip", " gzip "}) {
        std::string body = gzip_compress(original);
        CHECK(body.size() < original.size());
        CHECK_FALSE(decode_body(coding, body, 1 << 20));
        CHECK(body == original);
    }
}

TEST_CASE("deflate bodies decode both zlib-wrapped and raw") {
    const auto original = sample(5000);
    std::string wrapped = zlib_compress(original, 15);
    CHECK_FALSE(decode_body("deflate", wrapped, 1 << 20));
    CHECK(wrapped == original);
    std::string raw = zlib_compress(original, -15);
    CHECK_FALSE(decode_body("deflate", raw, 1 << 20));
    CHECK(raw == original);
}

TEST_CASE("identity and no encoding leave the body alone") {
    std::string body = "plain";
    CHECK_FALSE(decode_body("", body, 10));
    CHECK_FALSE(decode_body("identity", body, 10));
    CHECK(body == "plain");
}

TEST_CASE("corrupt, truncated, unknown and oversize bodies fail with their own codes") {
    std::string corrupt = "this is not gzip";
    CHECK(decode_body("gzip", corrupt, 1 << 20) == errc::decode_failed);

    std::string truncated = gzip_compress(sample(10000));
    truncated.resize(truncated.size() / 2);
    CHECK(decode_body("gzip", truncated, 1 << 20) == errc::decode_failed);

    std::string br = "x";
    CHECK(decode_body("br", br, 10) == errc::decode_failed);

    // A small compressed body must not expand past the cap (a zip bomb).
    std::string bomb = gzip_compress(std::string(10 << 20, '\0'));
    CHECK(bomb.size() < 100000);
    CHECK(decode_body("gzip", bomb, 1 << 20) == errc::body_too_large);
}
