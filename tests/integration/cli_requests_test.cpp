// Requests with methods and bodies through the real binary: -X, --data,
// --json, JSON request lines, redirects and retries of non-idempotent methods.
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

// The last request the server saw for each target.
std::map<std::string, testserver::logged_request> by_target(const testserver::server& s) {
    std::map<std::string, testserver::logged_request> out;
    for (auto& r : s.request_log())
        out[r.target] = r;
    return out;
}

} // namespace

TEST_CASE("-X, --data @FILE and --json send the method, the body as is and JSON headers") {
    testserver::server server;
    temp_dir dir;
    const auto list = dir.write("urls.txt", server.base_url() + "/echo?a\n");
    const auto body = dir.write("body.json", "{\"n\": 1}\n");
    auto r = run(asyncfetch_cmd({list, "-q", "-X", "PATCH", "--data", "@" + body, "--json"}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    auto seen = by_target(server)["/echo?a"];
    CHECK(seen.method == "PATCH");
    CHECK(seen.body == "{\"n\": 1}\n"); // the newline kept (curl --data-binary)
    CHECK(seen.content_type == "application/json");
    CHECK(records_of(r.out).at(0)["method"] == "PATCH");

    // --data alone is a POST of a form, as curl -d; @- reads standard input.
    const auto list2 = dir.write("urls2.txt", server.base_url() + "/echo?b\n");
    r = run(asyncfetch_cmd({list2, "-q", "--data", "@-"}), "x=1&y=2");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    seen = by_target(server)["/echo?b"];
    CHECK(seen.method == "POST");
    CHECK(seen.body == "x=1&y=2");
    CHECK(seen.content_type == "application/x-www-form-urlencoded");

    // -X HEAD: no body is read, whatever Content-Length says.
    const auto list3 = dir.write("urls3.txt", server.base_url() + "/bytes/5000\n");
    r = run(asyncfetch_cmd({list3, "-q", "-X", "HEAD", "--timeout", "5s"}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(records_of(r.out).at(0)["bytes"] == 0);

    r = run(asyncfetch_cmd({list, "-q", "-X", "GET /x"}));
    CHECK(r.status == 2);
    CHECK(r.err.find("--request") != std::string::npos);
    r = run(asyncfetch_cmd({"-", "-q", "--data", "@-"}), server.base_url() + "/echo\n");
    CHECK(r.status == 2);
    CHECK(r.err.find("standard input") != std::string::npos);
}

TEST_CASE(
    "a POST's body follows 307 and 308, while 301, 302 and 303 turn it into a GET (curl -L)") {
    testserver::server server;
    temp_dir dir;
    std::string list;
    for (int code : {301, 302, 303, 307, 308})
        list += server.base_url() + "/redirect-code/" + std::to_string(code) +
                "?url=/echo%3Fcode%3D" + std::to_string(code) + "\n";
    auto r = run(asyncfetch_cmd({dir.write("urls.txt", list), "-q", "--data", "payload"}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    auto seen = by_target(server);
    for (const char* code : {"307", "308"}) {
        CAPTURE(code);
        CHECK(seen["/echo?code=" + std::string(code)].method == "POST");
        CHECK(seen["/echo?code=" + std::string(code)].body == "payload");
    }
    for (const char* code : {"301", "302", "303"}) {
        CAPTURE(code);
        CHECK(seen["/echo?code=" + std::string(code)].method == "GET");
        CHECK(seen["/echo?code=" + std::string(code)].body.empty());
    }
    // PUT stays a PUT with its body after a 302, becomes a GET after a 303.
    list = server.base_url() + "/redirect-code/302?url=/echo%3Fput302\n" + server.base_url() +
           "/redirect-code/303?url=/echo%3Fput303\n";
    r = run(asyncfetch_cmd({dir.write("put.txt", list), "-q", "-X", "PUT", "--data", "p"}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    seen = by_target(server);
    CHECK(seen["/echo?put302"].method == "PUT");
    CHECK(seen["/echo?put302"].body == "p");
    CHECK(seen["/echo?put303"].method == "GET");
}

TEST_CASE("a POST is not retried unless --retry-all, while PUT and GET are (RFC 9110 9.2.2)") {
    testserver::server server;
    temp_dir dir;
    const auto flaky = [&](const std::string& key) {
        return dir.write(key + ".txt", server.base_url() + "/flaky/1?key=" + key + "\n");
    };
    auto r = run(asyncfetch_cmd({flaky("post"), "-q", "--data", "x", "--retries", "2"}));
    CHECK(r.status == 1);
    auto rec = records_of(r.out).at(0);
    CHECK(rec["status"] == 503);
    CHECK(rec["attempts"] == 1);

    r = run(asyncfetch_cmd({flaky("all"), "-q", "--data", "x", "--retries", "2", "--retry-all"}));
    CHECK(r.status == 0);
    CHECK(records_of(r.out).at(0)["attempts"] == 2);

    r = run(asyncfetch_cmd({flaky("put"), "-q", "-X", "PUT", "--data", "x", "--retries", "2"}));
    CHECK(r.status == 0);
    CHECK(records_of(r.out).at(0)["attempts"] == 2);
}

TEST_CASE("JSON request lines: method, headers, body or body_file, and an id in the record") {
    testserver::server server;
    temp_dir dir;
    const auto base = server.base_url();
    const auto file = dir.write("payload.bin", std::string("a\0b", 3));
    const std::string lines =
        "# requests and URLs mixed\n" + base + "/echo?plain\n" +
        json{{"url", base + "/echo?one"}, {"id", "one"}, {"body", {{"k", 1}}}}.dump() + "\n" +
        json{{"url", base + "/echo?two"},
             {"id", 2},
             {"method", "PUT"},
             {"headers", {{"Content-Type", "text/plain"}}},
             {"body_file", file}}
            .dump() +
        "\n" + json{{"url", base + "/echo?three"}, {"method", "DELETE"}}.dump() + "\n";
    auto r = run(asyncfetch_cmd({dir.write("requests.jsonl", lines), "-q"}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    auto seen = by_target(server);
    CHECK(seen["/echo?plain"].method == "GET");
    CHECK(seen["/echo?one"].method == "POST");
    CHECK(seen["/echo?one"].body == R"({"k":1})");
    CHECK(seen["/echo?one"].content_type == "application/json");
    CHECK(seen["/echo?two"].method == "PUT");
    CHECK(seen["/echo?two"].body == std::string("a\0b", 3));
    CHECK(seen["/echo?two"].content_type == "text/plain");
    CHECK(seen["/echo?three"].method == "DELETE");
    std::map<std::string, json> records;
    for (auto& rec : records_of(r.out))
        records[rec["url"].get<std::string>()] = rec;
    CHECK(records[base + "/echo?one"]["id"] == "one");
    CHECK(records[base + "/echo?one"]["method"] == "POST");
    CHECK(records[base + "/echo?two"]["id"] == 2);
    CHECK_FALSE(records[base + "/echo?plain"].contains("id"));
    CHECK_FALSE(records[base + "/echo?plain"].contains("method"));
}

TEST_CASE("a malformed request line is named by file, line and key: exit 2, nothing sent") {
    testserver::server server;
    temp_dir dir;
    const auto path = dir.write(
        "bad.jsonl", server.base_url() + "/echo\n" + R"({"url": ")" + server.base_url() +
                         R"(/echo", "headers": {"X-N": 5}})" + "\n" + R"({"url": ")" +
                         server.base_url() + R"(/echo", "body_file": "/nonexistent/b"})" + "\n");
    auto r = run(asyncfetch_cmd({path, "-q"}));
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find(path + ":2: headers.X-N: expected a string") != std::string::npos,
                  r.err);
    CHECK_MESSAGE(r.err.find(path + ":3: body_file: cannot read '/nonexistent/b'") !=
                      std::string::npos,
                  r.err);
    CHECK(server.requests_served() == 0);
}
