// br and zstd response bodies through the real binary, as curl --compressed
// decodes them: bounded by --max-body, hostile encodings an error record each.
#include "asyncfetch/http/decode.hpp"
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

testserver::static_page encoded(std::string body, std::vector<std::string> codings) {
    testserver::static_page page;
    page.content_type = "text/plain";
    page.body = std::move(body);
    for (auto& c : codings)
        page.headers.emplace_back("Content-Encoding", std::move(c));
    return page;
}

std::string text(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += static_cast<char>('a' + (i * 7) % 26);
    return s;
}

// A zstd frame asking for a 2^31 byte (2 GiB) window, then a raw block.
std::string zstd_2gib_window_frame() {
    return std::string("\x28\xb5\x2f\xfd\x00", 5) + static_cast<char>((31 - 10) << 3) +
           std::string("\x29\x00\x00", 3) + "hello";
}

} // namespace

TEST_CASE("br and zstd bodies are asked for and decoded, bytes counts the decoded body") {
    testserver::server server;
    const auto base = server.base_url();
    temp_dir dir;
    const auto list = dir.write("urls.txt", base + "/br/100000\n" + base + "/zstd/100000\n" + base +
                                                "/gzip/100000\n");
    auto r = run(asyncfetch_cmd({list, "-q", "--retries", "0"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    auto seen = records_by_url(records_of(r.out));
    REQUIRE(seen.size() == 3);
    for (const auto& [url, record] : seen) {
        CAPTURE(url);
        CHECK(record["error"].is_null());
        CHECK(record["bytes"] == 100000);
    }
    auto headers = run(asyncfetch_cmd({"-", "-q", "--body"}), base + "/headers\n");
    REQUIRE(records_of(headers.out).size() == 1);
    const auto echoed = records_of(headers.out)[0]["body"].get<std::string>();
    CHECK_MESSAGE(echoed.find("Accept-Encoding: gzip, deflate, br, zstd\n") != std::string::npos,
                  echoed);
}

TEST_CASE("bodies made by the brotli and zstd tools decode, stacked codings too") {
    temp_dir dir;
    const auto original = text(300000);
    const auto plain = dir.write("plain.txt", original);
    auto br_tool = run({"brotli", "-c", plain});
    auto zstd_tool = run({"zstd", "-q", "-c", plain});
    REQUIRE(br_tool.status == 0);
    REQUIRE(zstd_tool.status == 0);
    testserver::server_options o;
    o.pages["/tool.br"] = encoded(br_tool.out, {"br"});
    o.pages["/tool.zst"] = encoded(zstd_tool.out, {"zstd"});
    // Applied gzip first, then br: "gzip, br", in one field or two.
    const auto stacked = http::brotli_compress(http::gzip_compress(original));
    o.pages["/stacked"] = encoded(stacked, {"gzip, br"});
    o.pages["/two-fields"] = encoded(stacked, {"gzip", "br"});
    o.pages["/three"] = encoded(http::zstd_compress(stacked), {"gzip", "br, zstd"});
    testserver::server server(o);
    std::string list;
    for (const char* path : {"/tool.br", "/tool.zst", "/stacked", "/two-fields", "/three"})
        list += server.base_url() + path + "\n";
    auto r = run(asyncfetch_cmd({dir.write("urls.txt", list), "-q", "--body"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 5);
    for (const auto& record : records) {
        CAPTURE(record["url"]);
        CHECK(record["error"].is_null());
        CHECK(record["bytes"] == original.size());
        CHECK(record["body"].get<std::string>() == original.substr(0, 64 * 1024));
    }
}

TEST_CASE("hostile encoded bodies: each an error record saying why, the run goes on") {
    const std::string zeros(50 << 20, '\0'); // 50 MiB, a few KiB encoded
    testserver::server_options o;
    o.pages["/bomb.br"] = encoded(http::brotli_compress(zeros), {"br"});
    o.pages["/bomb.zst"] = encoded(http::zstd_compress(zeros), {"zstd"});
    o.pages["/window.zst"] = encoded(zstd_2gib_window_frame(), {"zstd"});
    auto truncated = http::brotli_compress(text(100000));
    truncated.resize(truncated.size() / 2);
    o.pages["/truncated.br"] = encoded(truncated, {"br"});
    o.pages["/corrupt.zst"] = encoded("not zstd at all, not at all", {"zstd"});
    o.pages["/unknown"] = encoded("abc", {"compress"});
    o.pages["/six"] = encoded("abc", {"gzip, gzip, gzip, gzip, gzip, gzip"});
    testserver::server server(o);
    const auto base = server.base_url();
    const std::map<std::string, std::string> expected{
        {"/bomb.br", "decode: response body larger than --max-body (Content-Encoding: br)"},
        {"/bomb.zst", "decode: response body larger than --max-body (Content-Encoding: zstd)"},
        {"/window.zst",
         "decode: zstd: the frame asks for a window over 8 MiB (Content-Encoding: zstd)"},
        {"/truncated.br", "decode: br: the stream is truncated (Content-Encoding: br)"},
        {"/unknown", "decode: unsupported content coding 'compress' (asyncfetch decodes gzip, "
                     "deflate, br, zstd) (Content-Encoding: compress)"},
        {"/six", "decode: more than 5 content codings (Content-Encoding: gzip, gzip, gzip, "
                 "gzip, gzip, gzip)"},
        {"/corrupt.zst", "decode: zstd: "}};
    std::string list;
    for (const auto& [path, _] : expected)
        list += base + path + "\n";
    list += base + "/zstd/1000\n"; // and a good one among them
    temp_dir dir;
    auto r = run(
        asyncfetch_cmd({dir.write("urls.txt", list), "-q", "--retries", "0", "--max-body", "10M"}));
    CHECK(r.status == 1);
    auto seen = records_by_url(records_of(r.out));
    REQUIRE(seen.size() == expected.size() + 1);
    for (const auto& [path, error] : expected) {
        CAPTURE(path);
        const auto& record = seen[base + path];
        CHECK(record["status"] == 200);
        CHECK(record["error"].get<std::string>().starts_with(error));
    }
    CHECK(seen[base + "/zstd/1000"]["bytes"] == 1000);
}

TEST_CASE("a HEAD of an encoded resource has no body to decode: a success record") {
    testserver::server server;
    const auto base = server.base_url();
    auto r = run(asyncfetch_cmd({"-", "-q", "-X", "HEAD", "--retries", "0"}),
                 base + "/gzip/1000\n" + base + "/br/1000\n" + base + "/zstd/1000\n");
    CHECK_MESSAGE(r.status == 0, (r.out + r.err));
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 3);
    for (const auto& record : records) {
        CAPTURE(record["url"]);
        CHECK(record["error"].is_null());
        CHECK(record["bytes"] == 0);
    }
}
