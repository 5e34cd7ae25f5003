// Records written or the run fails loudly: -o and `run` outputs on a device
// that is full (/dev/full) and on a small tmpfs the test fills (root).
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/small_fs.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string url_list(const std::string& base, int n) {
    std::string list;
    for (int i = 0; i < n; ++i)
        list += base + "/bytes/10?n=" + std::to_string(i) + "\n";
    return list;
}

} // namespace

TEST_CASE("output: -o /dev/full exits non-zero and names the file and the reason") {
    testserver::server server;
    temp_dir dir;
    const auto urls = dir.write("urls.txt", url_list(server.base_url(), 3));
    const auto r = run(asyncfetch_cmd({urls, "-q", "-o", "/dev/full"}));
    CHECK_MESSAGE(r.status == 1, r.err);
    CHECK_MESSAGE(contains(r.err, "/dev/full: cannot write: No space left on device"), r.err);
}

TEST_CASE("output: -o on a file system that fills up mid-run exits non-zero with a message") {
    small_fs disk(64 * 1024);
    if (!disk.mounted()) return;
    testserver::server server;
    temp_dir dir;
    // ~150 bytes a record: 2,000 records need ~300 KB, five times the space.
    const auto urls = dir.write("urls.txt", url_list(server.base_url(), 2000));
    const auto out = disk.file("records.jsonl");
    const auto r = run(asyncfetch_cmd({urls, "-q", "-c", "50", "-o", out}));
    CHECK_MESSAGE(r.status == 1, r.err);
    CHECK_MESSAGE(contains(r.err, out + ": cannot write: No space left on device"), r.err);
    // The summary still counts every target: the failure is the output's, not theirs.
    CHECK_MESSAGE(contains(r.err, "2000 targets: 2000 ok"), r.err);
}

TEST_CASE("output: a run whose output hits a full disk is an error and keeps the old output") {
    small_fs disk(64 * 1024);
    if (!disk.mounted()) return;
    testserver::server server;
    temp_dir dir;
    dir.write("urls.txt", url_list(server.base_url(), 3));
    const auto out = disk.file("fetch.jsonl");
    json config{
        {"jobs",
         {{{"name", "fetch"}, {"kind", "fetch"}, {"targets", "urls.txt"}, {"output", out}}}}};
    const auto path = dir.write("c.json", config.dump());

    auto first = run(asyncfetch_cmd({"run", path, "--once", "-q"}));
    REQUIRE_MESSAGE(first.status == 0, first.err);
    const auto before = read_file(out);
    REQUIRE(records_of(before).size() == 3);

    disk.fill();
    auto second = run(asyncfetch_cmd({"run", path, "--once", "-q"}));
    CHECK_MESSAGE(second.status == 1, second.err);
    const auto log = records_of(read_file(dir.file("c.runs.jsonl")));
    REQUIRE(log.size() == 2);
    CHECK(log[1]["status"] == "error");
    CHECK_MESSAGE(contains(log[1]["error"].get<std::string>(), "No space left on device"), log[1]);
    CHECK(read_file(out) == before);                          // the previous output, whole
    for (const auto& e : fs::directory_iterator(disk.path())) // no temp file left behind
        CHECK_MESSAGE(e.path().filename().string()[0] != '.', e.path());
}

TEST_CASE("output: a run log that cannot be written is said on stderr and fails the exit") {
    testserver::server server;
    temp_dir dir;
    dir.write("urls.txt", url_list(server.base_url(), 2));
    json config{{"run_log", "/dev/full"},
                {"jobs", {{{"name", "fetch"}, {"kind", "fetch"}, {"targets", "urls.txt"}}}}};
    const auto path = dir.write("c.json", config.dump());
    const auto r = run(asyncfetch_cmd({"run", path, "--once", "-q"}));
    CHECK_MESSAGE(r.status == 1, r.err);
    CHECK_MESSAGE(contains(r.err, "/dev/full: cannot write the run log: No space left on device"),
                  r.err);
}
