// -c means that many requests in flight: limits that hold a run below it
// (--per-host, the open-files limit) are opt-in or reported, through the real binary.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::testing;

namespace {

// `count` URLs on the server, each answering after `delay`.
std::string slow_list(const testserver::server& server, int count, const std::string& delay) {
    std::string list;
    for (int i = 0; i < count; ++i)
        list += server.base_url() + "/delay/" + delay + "?n=" + std::to_string(i) + "\n";
    return list;
}

} // namespace

TEST_CASE(
    "fetch: -c 200 (or -j 2 -c 100) has 200 requests to one host in flight, no per-host cap") {
    for (const auto& split : {std::vector<std::string>{"-c", "200"},
                              std::vector<std::string>{"-j", "2", "-c", "100"}}) {
        CAPTURE(split[1]);
        testserver::server server;
        temp_dir dir;
        // Each answer waits until all 200 are in the server at once (504 after 10 s).
        std::string list;
        for (int i = 0; i < 200; ++i)
            list += server.base_url() + "/gather/200?n=" + std::to_string(i) + "\n";
        std::vector<std::string> args{dir.write("urls.txt", list), "-q"};
        args.insert(args.end(), split.begin(), split.end());
        auto r = run(asyncfetch_cmd(args));
        CHECK(r.status == 0);
        const auto records = records_of(r.out);
        CHECK(records.size() == 200);
        for (const auto& record : records)
            CHECK_MESSAGE(record.value("status", 0) == 200, record.dump());
        CHECK(server.peak_requests_in_flight() == 200);
        CHECK_MESSAGE(r.err.find("limits:") == std::string::npos, r.err);
    }
}

TEST_CASE("--per-host 4 holds requests to 4 in flight and the summary says so and how to lift it") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", slow_list(server, 40, "50ms"));
    auto r = run(asyncfetch_cmd({file, "-q", "-c", "40", "--per-host", "4"}));
    CHECK(r.status == 0);
    CHECK(records_of(r.out).size() == 40);
    CHECK(server.peak_requests_in_flight() == 4);
    CHECK_MESSAGE(r.err.find("limits: 36 of 40 requests waited up to ") != std::string::npos,
                  r.err);
    CHECK_MESSAGE(r.err.find(" s for --per-host 4; peak") != std::string::npos, r.err);
    CHECK_MESSAGE(
        r.err.find("peak 4 in flight of -c 40; --per-host 0 lifts it") != std::string::npos, r.err);
}

TEST_CASE("--per-host with -j: each process gets its share and the summary names it") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", slow_list(server, 40, "50ms"));
    auto r = run(asyncfetch_cmd({file, "-q", "-j", "2", "-c", "20", "--per-host", "4"}));
    CHECK(r.status == 0);
    CHECK(records_of(r.out).size() == 40);
    CHECK(server.peak_requests_in_flight() <= 4);
    CHECK_MESSAGE(r.err.find(" for --per-host 4 (2 per process); peak ") != std::string::npos,
                  r.err);
    CHECK_MESSAGE(r.err.find("in flight of -c 20 per process (-j 2)") != std::string::npos, r.err);
}

TEST_CASE("--compare prints the limits that applied to the concurrent pass") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", slow_list(server, 8, "50ms"));
    auto r = run(asyncfetch_cmd({file, "-q", "-c", "8", "--per-host", "2", "--compare"}));
    CHECK(r.status == 0);
    CHECK_MESSAGE(r.err.find("concurrent cost") != std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find(" s (-c 8, --per-host 2)\n") != std::string::npos, r.err);
}

TEST_CASE("-c beyond the open-files limit runs at what fits, says so once, and loses nothing") {
    testserver::server server;
    temp_dir dir;
    const auto file = dir.write("urls.txt", slow_list(server, 300, "20ms"));
    // A hard limit of 128 descriptors: -c 1000 cannot have 1000 connections.
    auto r = run({"sh", "-c", "ulimit -n 128 && exec \"$0\" \"$@\"", asyncfetch_cmd({})[0], file,
                  "-q", "-c", "1000"});
    CHECK(r.status == 0);
    const auto records = records_of(r.out);
    CHECK(records.size() == 300);
    for (const auto& rec : records)
        CHECK_MESSAGE(rec["error"].is_null(), rec.dump());
    CHECK(server.peak_requests_in_flight() < 128);
    CHECK_MESSAGE(r.err.find("asyncfetch: -c 1000 lowered to ") != std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find("to fit the open-files limit (ulimit -n 128)") != std::string::npos,
                  r.err);
    CHECK_MESSAGE(r.err.find("limits: -c 1000 ran as -c ") != std::string::npos, r.err);
}

TEST_CASE("-c above a low soft open-files limit raises it to the hard limit: all run at once") {
    testserver::server server;
    temp_dir dir;
    // Each answer waits until all 300 are in the server at once (504 after 10 s):
    // under the soft limit of 64 descriptors they never would be.
    std::string list;
    for (int i = 0; i < 300; ++i)
        list += server.base_url() + "/gather/300?n=" + std::to_string(i) + "\n";
    auto args = asyncfetch_cmd({dir.write("urls.txt", list), "-q", "-c", "300"});
    args.insert(args.begin(), {"prlimit", "--nofile=64:1024", "--"});
    auto r = run(args);
    CHECK(r.status == 0);
    const auto records = records_of(r.out);
    CHECK(records.size() == 300);
    for (const auto& rec : records)
        CHECK_MESSAGE(rec["error"].is_null(), rec.dump());
    CHECK(server.peak_requests_in_flight() == 300);
    CHECK_MESSAGE(r.err.find("open-files limit") == std::string::npos, r.err);
}

// UBSan's checks need a free descriptor of their own: this case cannot run under it.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("idle keep-alive connections to many hosts give their descriptors back before a run runs "
          "out") {
    // 60 origins, each visited twice, under a hard limit of 64 descriptors: -c fits,
    // but one idle connection kept per origin would not.
    std::vector<std::unique_ptr<testserver::server>> servers;
    for (int i = 0; i < 60; ++i)
        servers.push_back(std::make_unique<testserver::server>());
    std::string list;
    for (int round = 0; round < 2; ++round)
        for (const auto& s : servers)
            list += s->base_url() + "/bytes/10?round=" + std::to_string(round) + "\n";
    temp_dir dir;
    auto args = asyncfetch_cmd({dir.write("urls.txt", list), "-q", "-c", "10", "--retries", "0"});
    args.insert(args.begin(), {"prlimit", "--nofile=64:64", "--"});
    auto r = run(args);
    const auto records = records_of(r.out);
    CHECK(records.size() == 120);
    for (const auto& rec : records)
        CHECK_MESSAGE(rec["error"].is_null(), rec.dump());
    CHECK(r.status == 0);
}
#endif
