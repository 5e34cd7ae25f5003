// The real binary: credentials stay with their origin along redirects, and
// header secrets come from files and the environment, never from argv.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/scripted_server.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

std::string redirect_to(const std::string& location) {
    return "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
}

const std::vector<std::string> secret_headers{
    "-H", "Authorization: Bearer SECRET-AUTH",       "-H", "Cookie: session=SECRET-COOKIE",
    "-H", "Proxy-Authorization: Basic SECRET-PROXY", "-H", "X-Plain: visible"};

// Fetches `url` with the secret headers (and `extra` flags); exit status.
int fetch_with_secrets(const std::string& url, std::vector<std::string> extra = {}) {
    temp_dir dir;
    std::vector<std::string> args{dir.write("urls.txt", url + "\n"), "-q", "--retries", "0"};
    args.insert(args.end(), secret_headers.begin(), secret_headers.end());
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(asyncfetch_cmd(args));
    CHECK_MESSAGE(records_of(r.out).size() == 1, r.err);
    return r.status;
}

bool carries_any_secret(const std::string& request) {
    return request.find("SECRET") != std::string::npos;
}

} // namespace

TEST_CASE("a redirect to another port drops Authorization, Cookie and Proxy-Authorization") {
    scripted_server other({{.bytes = ok_response("landed")}});
    scripted_server first({{.bytes = redirect_to(other.base_url() + "/landing")}});
    CHECK(fetch_with_secrets(first.base_url() + "/start") == 0);
    REQUIRE(first.requests().size() == 1);
    REQUIRE(other.requests().size() == 1);
    CHECK(first.requests()[0].find("SECRET-AUTH") != std::string::npos);
    CHECK(first.requests()[0].find("SECRET-COOKIE") != std::string::npos);
    CHECK_MESSAGE(!carries_any_secret(other.requests()[0]), other.requests()[0]);
    CHECK(other.requests()[0].find("X-Plain: visible") != std::string::npos);
}

TEST_CASE("a redirect within the origin keeps the credentials") {
    scripted_server server({{.bytes = redirect_to("/next")}, {.bytes = ok_response("here")}});
    CHECK(fetch_with_secrets(server.base_url() + "/start") == 0);
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests()[1].find("SECRET-AUTH") != std::string::npos);
    CHECK(server.requests()[1].find("SECRET-PROXY") != std::string::npos);
}

TEST_CASE("--location-trusted keeps them across origins") {
    scripted_server other({{.bytes = ok_response("landed")}});
    scripted_server first({{.bytes = redirect_to(other.base_url() + "/landing")}});
    CHECK(fetch_with_secrets(first.base_url() + "/start", {"--location-trusted"}) == 0);
    REQUIRE(other.requests().size() == 1);
    CHECK(other.requests()[0].find("SECRET-AUTH") != std::string::npos);
}

TEST_CASE("https to http never carries a credential in cleartext, even with --location-trusted") {
    tls_files files;
    make_test_ca(files);
    testserver::server_options o;
    o.cert_file = files.server_cert();
    o.key_file = files.server_key();
    testserver::server tls_server(o);
    scripted_server plain({{.bytes = ok_response("landed")}});
    const auto url = "https://localhost:" + std::to_string(tls_server.port()) +
                     "/redirect-to?url=" + plain.base_url() + "/landing";
    CHECK(fetch_with_secrets(url, {"--location-trusted", "--cacert", files.ca_cert()}) == 0);
    REQUIRE(plain.requests().size() == 1);
    CHECK_MESSAGE(!carries_any_secret(plain.requests()[0]), plain.requests()[0]);
}

TEST_CASE("-H @FILE and --header-env: sent, secret (dropped across origins), never in errors") {
    scripted_server other({{.bytes = ok_response("landed")}});
    scripted_server first({{.bytes = redirect_to(other.base_url() + "/landing")}});
    temp_dir dir;
    const auto list = dir.write("urls.txt", first.base_url() + "/start\n");
    const auto headers = dir.write("headers.txt", "X-Api-Key: SECRET-FROM-FILE\nX-Two: 2\n");
    ::setenv("AF_TEST_TOKEN", "SECRET-FROM-ENV", 1);
    auto r = run(
        asyncfetch_cmd({list, "-q", "-H", "@" + headers, "--header-env", "X-Token=AF_TEST_TOKEN"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    REQUIRE(first.requests().size() == 1);
    REQUIRE(other.requests().size() == 1);
    CHECK(first.requests()[0].find("X-Api-Key: SECRET-FROM-FILE") != std::string::npos);
    CHECK(first.requests()[0].find("X-Two: 2") != std::string::npos);
    CHECK(first.requests()[0].find("X-Token: SECRET-FROM-ENV") != std::string::npos);
    CHECK_MESSAGE(!carries_any_secret(other.requests()[0]), other.requests()[0]);

    SUBCASE("a missing variable is a usage error naming it") {
        auto bad = run(asyncfetch_cmd({list, "--header-env", "X-Token=AF_TEST_NO_SUCH_VAR"}));
        CHECK(bad.status == 2);
        CHECK(bad.err.find("AF_TEST_NO_SUCH_VAR") != std::string::npos);
    }
    SUBCASE("a malformed line in the file is named by FILE:LINE, without its value") {
        const auto broken = dir.write("broken.txt", "X-Ok: fine\nSECRET-NO-COLON\n");
        auto bad = run(asyncfetch_cmd({list, "-H", "@" + broken}));
        CHECK(bad.status == 2);
        CHECK_MESSAGE(bad.err.find(broken + ":2:") != std::string::npos, bad.err);
        CHECK(bad.err.find("SECRET") == std::string::npos);
    }
    SUBCASE("a missing file is a usage error naming it") {
        auto bad = run(asyncfetch_cmd({list, "-H", "@" + dir.file("none.txt")}));
        CHECK(bad.status == 2);
        CHECK(bad.err.find(dir.file("none.txt")) != std::string::npos);
    }
}

TEST_CASE("a config job's headers follow the same rule") {
    scripted_server other({{.bytes = ok_response("landed")}});
    scripted_server first({{.bytes = redirect_to(other.base_url() + "/landing")}});
    temp_dir dir;
    const auto config = dir.write(
        "c.json", R"({"jobs": [{"name": "j", "kind": "fetch", "targets": [")" + first.base_url() +
                      R"(/start"], "headers": {"Authorization": "Bearer SECRET-AUTH"}}]})");
    auto r = run(asyncfetch_cmd({"run", config, "--once", "-q"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    REQUIRE(first.requests().size() == 1);
    REQUIRE(other.requests().size() == 1);
    CHECK(first.requests()[0].find("SECRET-AUTH") != std::string::npos);
    CHECK_MESSAGE(!carries_any_secret(other.requests()[0]), other.requests()[0]);
}
