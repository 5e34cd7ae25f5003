// The real binary against servers that misbehave on purpose: whatever one
// server sends, its URL gets an error record, memory stays bounded, and no
// other URL is given a response that was not its own.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/scripted_server.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Fetches the URLs one after another on one connection per host (when the
// connection stays usable), as `-c 1 --per-host 1` does.
std::vector<json> fetch_in_a_row(const std::vector<std::string>& urls,
                                 std::vector<std::string> extra = {}) {
    temp_dir dir;
    std::string list;
    for (const auto& u : urls)
        list += u + "\n";
    std::vector<std::string> args{dir.write("urls.txt", list),
                                  "-q",
                                  "-c",
                                  "1",
                                  "--per-host",
                                  "1",
                                  "--retries",
                                  "0",
                                  "--timeout",
                                  "5"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(asyncfetch_cmd(args));
    auto records = records_of(r.out);
    REQUIRE_MESSAGE(records.size() == urls.size(), r.err);
    for (std::size_t i = 0; i < urls.size(); ++i)
        REQUIRE(records[i]["url"] == urls[i]);
    return records;
}

std::string error_of(const json& record) {
    return record["error"].is_string() ? record["error"].get<std::string>() : "";
}

const std::string chunked_head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

} // namespace

TEST_CASE("an endless chunk extension is that URL's error, bounded, and the next URL is fetched") {
    scripted_server hostile(
        {{.bytes = chunked_head + "3;", .flood = std::string(64 * 1024, 'e'), .flood_times = 256}});
    testserver::server fine;
    const auto records =
        fetch_in_a_row({hostile.base_url() + "/ext", fine.base_url() + "/bytes/5"});
    CHECK_MESSAGE(error_of(records[0]).find("response: ") == 0, records[0]);
    CHECK_MESSAGE(error_of(records[0]).find("too large") != std::string::npos, records[0]);
    CHECK(records[1]["bytes"] == 5);
}

TEST_CASE("endless trailer fields are that URL's error, bounded") {
    const std::string trailer_line = "X-T: " + std::string(1000, 'a') + "\r\n";
    scripted_server hostile({{.bytes = chunked_head + "3\r\nabc\r\n0\r\n",
                              .flood = trailer_line,
                              .flood_times = 16000}});
    const auto records = fetch_in_a_row({hostile.base_url() + "/trailers"});
    CHECK_MESSAGE(error_of(records[0]).find("too large") != std::string::npos, records[0]);
}

TEST_CASE("an endless header section is that URL's error") {
    const std::string line = "X-H: " + std::string(1000, 'h') + "\r\n";
    scripted_server hostile(
        {{.bytes = "HTTP/1.1 200 OK\r\n", .flood = line, .flood_times = 16000}});
    const auto records = fetch_in_a_row({hostile.base_url() + "/headers"});
    CHECK_MESSAGE(error_of(records[0]).find("response: headers too large") == 0, records[0]);
}

TEST_CASE("a Location in a trailer is not a redirect: trailers stay out of the header fields") {
    testserver::server elsewhere;
    scripted_server hostile({{.bytes = "HTTP/1.1 301 Moved\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       "2\r\nhi\r\n0\r\nLocation: " +
                                       elsewhere.base_url() + "/bytes/7\r\n\r\n"}});
    const auto url = hostile.base_url() + "/moved";
    const auto records = fetch_in_a_row({url});
    CHECK(records[0]["final_url"] == url);
    CHECK(records[0]["status"] == 301);
    CHECK(records[0]["bytes"] == 2);
    CHECK(elsewhere.requests_served() == 0);
}

TEST_CASE("interim 1xx responses are read past to the final one, on a reused connection") {
    scripted_server server(
        {{.bytes = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
                   "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" +
                   ok_response("1")},
         {.bytes = ok_response("22")},
         {.bytes = ok_response("333")}});
    const auto b = server.base_url();
    const auto records = fetch_in_a_row({b + "/1", b + "/2", b + "/3"});
    for (int i = 0; i < 3; ++i) {
        CHECK_MESSAGE(records[i]["status"] == 200, records[i]);
        CHECK_MESSAGE(records[i]["bytes"] == i + 1, records[i]);
    }
    CHECK(server.connections() == 1);
}

TEST_CASE("too many interim responses, or a 101 never asked for, fail that URL only") {
    std::string many;
    for (int i = 0; i < 50; ++i)
        many += "HTTP/1.1 100 Continue\r\n\r\n";
    scripted_server server({{.bytes = many + ok_response("1")},
                            {.bytes = ok_response("22")},
                            {.bytes = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                                      "Upgrade: h2c\r\n\r\n" +
                                      ok_response("x")},
                            {.bytes = ok_response("4444")}});
    const auto b = server.base_url();
    const auto records = fetch_in_a_row({b + "/1", b + "/2", b + "/3", b + "/4"});
    CHECK_MESSAGE(error_of(records[0]).find("interim") != std::string::npos, records[0]);
    CHECK(records[1]["bytes"] == 2);
    CHECK_MESSAGE(error_of(records[2]).find("101") != std::string::npos, records[2]);
    CHECK(records[3]["bytes"] == 4);
}

TEST_CASE("bytes after a complete response close the connection: the next URL gets its own") {
    scripted_server server({{.bytes = ok_response("1") + ok_response("WRONG")},
                            {.bytes = ok_response("22")},
                            {.bytes = ok_response("333")}});
    const auto b = server.base_url();
    const auto records = fetch_in_a_row({b + "/1", b + "/2", b + "/3"});
    for (int i = 0; i < 3; ++i)
        CHECK_MESSAGE(records[i]["bytes"] == i + 1, records[i]);
    CHECK(server.connections() == 2);
}

TEST_CASE("a response that arrives on an idle connection: the connection is not reused") {
    testserver::server slow;
    scripted_server server({{.bytes = ok_response("1"),
                             .unsolicited_after = 50ms,
                             .unsolicited = ok_response("WRONG")},
                            {.bytes = ok_response("333")}});
    const auto b = server.base_url();
    const auto records = fetch_in_a_row({b + "/1", slow.base_url() + "/delay/400ms", b + "/3"});
    CHECK(records[0]["bytes"] == 1);
    CHECK_MESSAGE(records[2]["bytes"] == 3, records[2]);
    CHECK(server.connections() == 2);
}

// Not under the sanitizers: UBSan's vptr check probes memory through a pipe,
// and without a free descriptor it reports any object it has not seen yet as
// having an "invalid vptr" and aborts (a 10-line program shows the same). That
// was the abort seen at client.cpp's rethrow: not a lifetime bug.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("running out of file descriptors is each URL's connect error, never 'cancelled'") {
    testserver::server server;
    temp_dir dir;
    const int count = 300;
    std::string list;
    for (int i = 0; i < count; ++i)
        list += server.base_url() + "/delay/300ms?n=" + std::to_string(i) + "\n";
    auto args = asyncfetch_cmd({dir.write("urls.txt", list), "-q", "-c", std::to_string(count),
                                "--per-host", "0", "--retries", "0"});
    // A hard limit too, so that raising the soft one cannot make room.
    args.insert(args.begin(), {"prlimit", "--nofile=64:64", "--"});
    auto r = run(args);
    const auto records = records_of(r.out);
    REQUIRE_MESSAGE(records.size() == count, r.err);
    int failed = 0, misreported = 0;
    json example;
    for (const auto& record : records) {
        if (record["error"].is_null()) continue;
        ++failed;
        const auto error = error_of(record);
        if (error.find("connect ") != 0 || error.find("too many open files") == std::string::npos) {
            ++misreported;
            example = record;
        }
    }
    CHECK_MESSAGE(misreported == 0, example);
    CHECK(r.status == (failed ? 1 : 0));
    CHECK_MESSAGE(r.err.find(" 0 cancelled") != std::string::npos, r.err);
}
#endif

// ASan reserves terabytes of address space: an address-space cap cannot run
// under it.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("an allocation that fails costs only its own URL, under a memory cap") {
    // A body larger than the process may allocate, within --max-body.
    scripted_server huge({{.bytes = "HTTP/1.1 200 OK\r\nContent-Length: 1500000000\r\n\r\n",
                           .flood = std::string(64 * 1024, 'x'),
                           .flood_times = 30000}});
    testserver::server fine;
    temp_dir dir;
    const auto list = dir.write("urls.txt", huge.base_url() + "/huge\n" + fine.base_url() +
                                                "/bytes/5\n" + fine.base_url() + "/bytes/6\n");
    auto r = run({"prlimit", "--as=" + std::to_string(600 << 20), "--", asyncfetch_cmd({})[0], list,
                  "-q", "--retries", "0", "--max-body", "2G"});
    CHECK_MESSAGE(r.status == 1, r.err);
    const auto records = records_of(r.out);
    REQUIRE_MESSAGE(records.size() == 3, r.err);
    for (const auto& record : records) {
        if (record["url"] == huge.base_url() + "/huge")
            CHECK_MESSAGE(error_of(record).find("response: out of memory") == 0, record);
        else
            CHECK_MESSAGE(record["error"].is_null(), record);
    }
}
#endif

TEST_CASE("over TLS too: a response in a record of its own after the one asked for is never used") {
    tls_files files;
    make_test_ca(files);
    // The second response follows at once, in its own TLS record: it is read
    // from the socket with the first and waits inside the TLS layer.
    scripted_server server({{.bytes = ok_response("1"), .unsolicited = ok_response("WRONG")},
                            {.bytes = ok_response("22")},
                            {.bytes = ok_response("333")}},
                           files.server_cert(), files.server_key());
    const auto b = server.base_url();
    const auto records =
        fetch_in_a_row({b + "/1", b + "/2", b + "/3"}, {"--cacert", files.ca_cert()});
    for (int i = 0; i < 3; ++i)
        CHECK_MESSAGE(records[i]["bytes"] == i + 1, records[i]);
    CHECK(server.connections() == 2);
}
