// What fetch keeps of a response through the real binary: --save (files,
// SHA-256, streaming, --continue with Range), --body and --record-headers.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The test server's /bytes/N text.
std::string text_of_size(std::size_t n) {
    std::string s(n, 'x');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + i % 26);
    return s;
}

std::string sha256_of(const std::string& path) {
    auto out = run({"sha256sum", path}).out;
    return out.substr(0, out.find(' '));
}

void write_bytes(const std::string& path, const std::string& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

// Files under `dir` whose name has `part` in it.
int files_named(const std::string& dir, const std::string& part) {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        n += e.path().filename().string().find(part) != std::string::npos;
    return n;
}

} // namespace

TEST_CASE("--save writes each body to DIR/HOST/PATH, its SHA-256 in the record") {
    testserver::server server;
    temp_dir dir;
    const auto base = server.base_url();
    const auto host = "127.0.0.1:" + std::to_string(server.port());
    const auto list = dir.write("urls.txt", base + "/bytes/100000\n" + base + "/bytes/10?x=1\n" +
                                                base + "/\n" + base + "/status/404\n");
    const auto out = dir.file("out");
    auto r = run(asyncfetch_cmd({list, "-q", "--save", out, "--retries", "0"}));
    CHECK(r.status == 1); // the 404
    std::map<std::string, json> records;
    for (auto& rec : records_of(r.out))
        records[rec["url"].get<std::string>()] = rec;
    const auto big = out + "/" + host + "/bytes/100000";
    CHECK(read_file(big) == text_of_size(100000));
    CHECK(records[base + "/bytes/100000"]["file"] == big);
    CHECK(records[base + "/bytes/100000"]["sha256"] == sha256_of(big));
    CHECK(records[base + "/bytes/100000"]["bytes"] == 100000);
    CHECK(read_file(out + "/" + host + "/bytes/10?x=1") == text_of_size(10));
    CHECK(fs::exists(out + "/" + host + "/index.html"));
    // An error page is not saved; no temp file is left behind.
    CHECK_FALSE(records[base + "/status/404"].contains("file"));
    CHECK_FALSE(fs::exists(out + "/" + host + "/status/404"));
    CHECK(files_named(out, ".XXX") + files_named(out, ".part") == 0);
    int entries = 0;
    for (const auto& e : fs::recursive_directory_iterator(out))
        entries += e.is_regular_file();
    CHECK(entries == 3);
}

TEST_CASE(
    "--save refuses a path that leaves DIR, and --max-body bounds saved bodies only when given") {
    testserver::server server;
    temp_dir dir;
    const auto base = server.base_url();
    const auto out = dir.file("out");
    auto r = run(asyncfetch_cmd(
        {dir.write("escape.txt", base + "/%2E%2E/%2E%2E/escaped\n"), "-q", "--save", out}));
    CHECK(r.status == 1);
    auto rec = records_of(r.out).at(0);
    CHECK(rec["error"].get<std::string>().find("would leave the --save directory") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(dir.file("escaped")));
    CHECK(server.requests_served() == 0);

    r = run(asyncfetch_cmd({dir.write("big.txt", base + "/bytes/5000\n"), "-q", "--save", out,
                            "--max-body", "1K", "--retries", "0"}));
    CHECK(r.status == 1);
    CHECK(records_of(r.out).at(0)["error"] == "save: body larger than --max-body");
    CHECK(files_named(out, "5000") == 0);
}

TEST_CASE("--save streams: two 80 MB downloads in flight stay within tens of MB") {
    testserver::server server;
    temp_dir dir;
    const auto base = server.base_url();
    const auto list =
        dir.write("urls.txt", base + "/bytes/80000000?a\n" + base + "/bytes/80000000?b\n");
    const auto times = dir.file("time.txt");
    auto cmd = asyncfetch_cmd({list, "-q", "--save", dir.file("out"), "--timeout", "60s"});
    cmd.insert(cmd.begin(), {"/usr/bin/time", "-f", "%M", "-o", times});
    auto r = run(cmd, "", 120);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto peak_kb = std::stol(read_file(times));
    // Above the binary's own footprint (about 300 MB in the sanitizer build,
    // its shadow memory): two buffered bodies would be 160 MB more.
    const auto idle_times = dir.file("idle.txt");
    run({"/usr/bin/time", "-f", "%M", "-o", idle_times, ASYNCFETCH_BINARY, "--version"});
    const auto idle_kb = std::stol(read_file(idle_times));
    CHECK_MESSAGE(peak_kb - idle_kb < 40 * 1024,
                  "peak RSS " << peak_kb << " KB, " << idle_kb << " KB doing nothing");
    for (auto& rec : records_of(r.out))
        CHECK(rec["bytes"] == 80000000);
}

TEST_CASE("--continue asks for the rest of FILE.part, checks 206 and Content-Range") {
    testserver::server server;
    temp_dir dir;
    const auto base = server.base_url();
    const auto out = dir.file("out");
    const auto host = out + "/127.0.0.1:" + std::to_string(server.port());
    const auto whole = text_of_size(1000);
    // Resumed: the first 400 bytes kept, the rest from a 206.
    write_bytes(host + "/bytes/1000.part", whole.substr(0, 400));
    // The server ignores Range (200): the kept part, wrong on purpose, is replaced.
    write_bytes(host + "/bytes/1000?range=ignore.part", std::string(400, '!'));
    // The server answers other bytes than asked (206 from 0): asked again, whole.
    write_bytes(host + "/bytes/1000?range=wrong.part", std::string(400, '!'));
    // Already whole: the 416 says so.
    write_bytes(host + "/bytes/1000?done.part", whole);
    const auto list =
        dir.write("urls.txt", base + "/bytes/1000\n" + base + "/bytes/1000?range=ignore\n" + base +
                                  "/bytes/1000?range=wrong\n" + base + "/bytes/1000?done\n");
    auto r = run(asyncfetch_cmd({list, "-q", "--save", out, "--continue"}));
    REQUIRE_MESSAGE(r.status == 0, r.out << r.err);
    std::map<std::string, json> records;
    for (auto& rec : records_of(r.out))
        records[rec["url"].get<std::string>()] = rec;
    for (const std::string name : {"", "?range=ignore", "?range=wrong", "?done"}) {
        CAPTURE(name);
        CHECK(read_file(host + "/bytes/1000" + name) == whole);
        CHECK_FALSE(fs::exists(host + "/bytes/1000" + name + ".part"));
        CHECK(records[base + "/bytes/1000" + name]["sha256"] ==
              sha256_of(host + "/bytes/1000" + name));
    }
    CHECK(records[base + "/bytes/1000"]["status"] == 206);
    CHECK(records[base + "/bytes/1000"]["resumed"] == true);
    CHECK(records[base + "/bytes/1000?range=ignore"]["status"] == 200);
    CHECK_FALSE(records[base + "/bytes/1000?range=ignore"].contains("resumed"));
    CHECK(records[base + "/bytes/1000?range=wrong"]["status"] == 200);
    CHECK(records[base + "/bytes/1000?done"]["status"] == 416);
    CHECK(records[base + "/bytes/1000?done"]["resumed"] == true);

    // A download cut short is kept as .part for the next run.
    r = run(asyncfetch_cmd({dir.write("reset.txt", base + "/reset\n"), "-q", "--save", out,
                            "--continue", "--retries", "0"}));
    CHECK(r.status == 1);
    CHECK(fs::file_size(host + "/reset.part") == 1000);
    CHECK_FALSE(fs::exists(host + "/reset"));
}

TEST_CASE("--body: text as is, other bytes as base64, cut at 64 KiB, and --record-headers") {
    testserver::server_options options;
    options.pages["/binary"] = {200, "application/octet-stream", std::string("\xff\x00\x01", 3)};
    testserver::server server(options);
    temp_dir dir;
    const auto base = server.base_url();
    const auto list =
        dir.write("urls.txt", base + "/bytes/10\n" + base + "/binary\n" + base + "/bytes/100000\n");
    auto r = run(
        asyncfetch_cmd({list, "-q", "--body", "--record-headers", "content-type,Server,X-Absent"}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    std::map<std::string, json> records;
    for (auto& rec : records_of(r.out))
        records[rec["url"].get<std::string>()] = rec;
    CHECK(records[base + "/bytes/10"]["body"] == "abcdefghij");
    CHECK(records[base + "/bytes/10"]["body_encoding"] == "text");
    CHECK(records[base + "/binary"]["body"] == "/wAB");
    CHECK(records[base + "/binary"]["body_encoding"] == "base64");
    CHECK(records[base + "/bytes/100000"]["body"].get<std::string>().size() == 65536);
    CHECK(records[base + "/bytes/100000"]["body_truncated"] == true);
    const auto headers = records[base + "/bytes/10"]["headers"];
    CHECK(headers["content-type"] == "text/plain");
    CHECK(headers["Server"] == "asyncfetch-testserver");
    CHECK_FALSE(headers.contains("X-Absent"));
}
