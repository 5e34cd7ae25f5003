// HTTP/2 through the real binary: nginx with http2 on TLS (a test CA), ALPN
// falling back to HTTP/1.1, prior knowledge on cleartext, and a scripted
// peer (tools/h2_server) for GOAWAY, RST_STREAM, REFUSED_STREAM, a window
// never opened and an oversize header block. Connections are counted on the
// server side.
#include "tools/h2_server.hpp"
#include "tools/listeners.hpp"
#include "tools/process.hpp"
#include "tools/proxies.hpp"
#include "tools/skip.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

// nginx on three free ports: TLS with http2, TLS without, cleartext http2.
// Its access log names each request's connection serial number.
struct nginx_fixture {
    nginx_fixture() {
        if (::access("/usr/sbin/nginx", X_OK) != 0) return;
        make_test_ca(tls);
        std::ofstream(tls.dir.file("small.txt")) << "hello over h2\n";
        h2_port = free_port();
        h1_port = free_port();
        h2c_port = free_port();
        const auto d = tls.dir.path();
        std::string temp;
        for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
            temp += std::string("  ") + kind + "_temp_path " + d + ";\n";
        const auto cert = "ssl_certificate " + tls.server_cert() + "; ssl_certificate_key " +
                          tls.server_key() + ";";
        tls.dir.write("nginx.conf",
                      // One process: the fixture's child is killed with SIGKILL, which
                      // would leave a master's worker running, orphaned, after the test.
                      "user root;\nmaster_process off;\npid " + d + "/nginx.pid;\nerror_log " + d +
                          "/error.log;\nevents { worker_connections 256; }\nhttp {\n" + temp +
                          "  log_format conn '$connection $server_port $status "
                          "[$http_accept_encoding][$http_cookie][$http_authorization]';\n"
                          "  access_log " +
                          d +
                          "/access.log conn;\n"
                          "  server { listen 127.0.0.1:" +
                          std::to_string(h2_port) + " ssl http2; " + cert + " root " + d +
                          "; }\n"
                          "  server { listen 127.0.0.1:" +
                          std::to_string(h1_port) + " ssl; " + cert + " root " + d +
                          "; }\n"
                          "  server { listen 127.0.0.1:" +
                          std::to_string(h2c_port) + " http2; root " + d + "; }\n}\n");
        server = std::make_unique<child>(std::vector<std::string>{
            "nginx", "-c", tls.dir.file("nginx.conf"), "-g", "daemon off;"});
        for (int i = 0; i < 100 && !listening(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    bool listening() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(h2c_port);
        const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        return up;
    }
    // Connections nginx served on `port`, by its log.
    std::size_t connections_on(std::uint16_t port) const {
        std::set<std::string> seen;
        for (const auto& line : lines_of(read_file(tls.dir.file("access.log")))) {
            const auto space = line.find(' ');
            if (line.substr(space + 1, std::to_string(port).size()) == std::to_string(port))
                seen.insert(line.substr(0, space));
        }
        return seen.size();
    }
    std::string list(const std::string& base, int n) const {
        std::string urls;
        for (int i = 0; i < n; ++i)
            urls += base + "/small.txt\n";
        return urls;
    }
    tls_files tls;
    std::uint16_t h2_port = 0, h1_port = 0, h2c_port = 0;
    std::unique_ptr<child> server;
};

std::vector<json> fetch(const std::string& urls, std::vector<std::string> args) {
    args.insert(args.begin(), {"-", "-q", "--retries", "0"});
    auto r = run(asyncfetch_cmd(args), urls);
    return records_of(r.out);
}

} // namespace

TEST_CASE_FIXTURE(nginx_fixture,
                  "https to nginx with http2: every request over one HTTP/2 connection") {
    if (!server && skip_test("nginx is not installed")) return;
    REQUIRE(listening());
    const auto base = "https://localhost:" + std::to_string(h2_port);
    auto records = fetch(list(base, 40), {"--cacert", tls.ca_cert(), "-c", "20"});
    REQUIRE(records.size() == 40);
    for (const auto& r : records) {
        CHECK(r["status"] == 200);
        CHECK(r["bytes"] == 14);
        CHECK(r["http_version"] == "2");
    }
    CHECK(connections_on(h2_port) == 1);
}

TEST_CASE_FIXTURE(
    nginx_fixture,
    "ALPN falls back to HTTP/1.1 where the server has no h2, and --http1.1 keeps to it") {
    if (!server && skip_test("nginx is not installed")) return;
    REQUIRE(listening());
    auto records =
        fetch(list("https://localhost:" + std::to_string(h1_port), 3), {"--cacert", tls.ca_cert()});
    REQUIRE(records.size() == 3);
    for (const auto& r : records) {
        CHECK(r["status"] == 200);
        CHECK(r["http_version"] == "1.1");
    }
    records = fetch(list("https://localhost:" + std::to_string(h2_port), 2),
                    {"--cacert", tls.ca_cert(), "--http1.1"});
    REQUIRE(records.size() == 2);
    CHECK(records[0]["http_version"] == "1.1");
    // --http2 asks for HTTP/2 only: a server without it is this URL's error.
    records = fetch(list("https://localhost:" + std::to_string(h1_port), 1),
                    {"--cacert", tls.ca_cert(), "--http2"});
    REQUIRE(records.size() == 1);
    // nginx ends the handshake with an alert; another server might finish it.
    const auto error = records[0]["error"].get<std::string>();
    CHECK((error.find("no application protocol") != std::string::npos ||
           error.find("does not offer HTTP/2") != std::string::npos));
}

TEST_CASE_FIXTURE(nginx_fixture, "cleartext HTTP/2 with --http2-prior-knowledge") {
    if (!server && skip_test("nginx is not installed")) return;
    REQUIRE(listening());
    auto records =
        fetch(list("http://127.0.0.1:" + std::to_string(h2c_port), 5), {"--http2-prior-knowledge"});
    REQUIRE(records.size() == 5);
    for (const auto& r : records) {
        CHECK(r["status"] == 200);
        CHECK(r["http_version"] == "2");
    }
    CHECK(connections_on(h2c_port) == 1);
}

TEST_CASE_FIXTURE(nginx_fixture,
                  "over HTTP/2 a request carries what HTTP/1.1 does: codings, cookies, netrc") {
    if (!server && skip_test("nginx is not installed")) return;
    REQUIRE(listening());
    const auto jar = tls.dir.write("jar", "localhost\tFALSE\t/\tFALSE\t0\tflavour\tplain\n");
    const auto netrc = tls.dir.write("netrc", "machine localhost login ann password pw\n");
    for (const char* version : {"--http2", "--http1.1"}) {
        auto records =
            fetch(list("https://localhost:" + std::to_string(h2_port), 1),
                  {"--cacert", tls.ca_cert(), version, "-b", jar, "--netrc-file", netrc});
        REQUIRE(records.size() == 1);
        CHECK(records[0]["http_version"] == (std::string(version) == "--http2" ? "2" : "1.1"));
    }
    // "user:password" in base64, as curl sends it.
    const auto expected = "[gzip, deflate, br, zstd][flavour=plain][Basic YW5uOnB3]";
    std::size_t matching = 0;
    for (const auto& line : lines_of(read_file(tls.dir.file("access.log"))))
        if (line.find(expected) != std::string::npos) ++matching;
    CHECK(matching == 2);
}

namespace {

h2_reply ok_reply(const h2_request& r) {
    h2_reply reply;
    reply.body = "answer to " + r.field(":path");
    return reply;
}

std::string paths(const std::string& base, int n) {
    std::string urls;
    for (int i = 0; i < n; ++i)
        urls += base + "/" + std::to_string(i) + "\n";
    return urls;
}

} // namespace

TEST_CASE("GOAWAY mid-run: the streams it did not process go again on a new connection") {
    h2_server_options o;
    o.answer = [](const h2_request& r, std::size_t) { return ok_reply(r); };
    o.goaway_after = 3;
    h2_server server(o);
    auto records = fetch(paths(server.base_url(), 10), {"--http2-prior-knowledge", "-c", "10"});
    REQUIRE(records.size() == 10);
    for (const auto& r : records) {
        CHECK(r["status"] == 200);
        CHECK(r["error"].is_null());
    }
    CHECK(server.connections() == 2);
}

TEST_CASE("RST_STREAM fails that request alone, REFUSED_STREAM is sent again") {
    std::atomic<int> refused{0};
    h2_server_options o;
    o.answer = [&](const h2_request& r, std::size_t) {
        h2_reply reply = ok_reply(r);
        if (r.field(":path") == "/reset") {
            reply.what = h2_reply::kind::reset;
            reply.reset_code = 2; // INTERNAL_ERROR
        }
        if (r.field(":path") == "/refused" && refused++ == 0) {
            reply.what = h2_reply::kind::reset;
            reply.reset_code = 7; // REFUSED_STREAM: never processed
        }
        return reply;
    };
    h2_server server(o);
    const auto base = server.base_url();
    auto records = fetch(base + "/reset\n" + base + "/refused\n" + base + "/fine\n",
                         {"--http2-prior-knowledge", "-c", "1"});
    REQUIRE(records.size() == 3);
    CHECK(records[0]["status"].is_null());
    CHECK(records[0]["error"].get<std::string>().find("reset the HTTP/2 stream (INTERNAL_ERROR)") !=
          std::string::npos);
    CHECK(records[1]["status"] == 200);
    CHECK(records[2]["status"] == 200);
    CHECK(refused == 2);
    CHECK(server.connections() == 1);
}

TEST_CASE("a request body behind a window never opened ends in a timeout record") {
    h2_server_options o;
    o.answer = [](const h2_request& r, std::size_t) { return ok_reply(r); };
    o.settings.initial_window = 0;
    h2_server server(o);
    // Past the 64 KiB a client may send before the server's SETTINGS arrive.
    temp_dir dir;
    const auto body = dir.write("body", std::string(200000, 'b'));
    auto records = fetch(server.base_url() + "/post\n",
                         {"--http2-prior-knowledge", "--data", "@" + body, "--timeout", "1"});
    REQUIRE(records.size() == 1);
    CHECK(records[0]["error"].get<std::string>().find("timed out") != std::string::npos);
}

TEST_CASE("an oversize header block resets that stream, the connection serves the next") {
    h2_server_options o;
    o.answer = [](const h2_request& r, std::size_t) {
        h2_reply reply = ok_reply(r);
        if (r.field(":path") == "/big")
            for (int i = 0; i < 3; ++i)
                reply.headers.emplace_back("x-big-" + std::to_string(i), std::string(30000, 'h'));
        return reply;
    };
    h2_server server(o);
    const auto base = server.base_url();
    auto records =
        fetch(base + "/big\n" + base + "/fine\n", {"--http2-prior-knowledge", "-c", "1"});
    REQUIRE(records.size() == 2);
    CHECK(records[0]["error"].get<std::string>().find("headers too large") != std::string::npos);
    CHECK(records[1]["status"] == 200);
    CHECK(server.connections() == 1);
}

TEST_CASE("a connection lost with streams open: GETs go again on a new one, a POST is its error") {
    h2_server_options o;
    o.answer = [](const h2_request& r, std::size_t) { return ok_reply(r); };
    o.close_after = 3;
    h2_server server(o);
    const auto base = server.base_url();
    auto records =
        fetch(base + "/a\n" + base + "/b\n{\"url\": \"" + base + "/post\", \"method\": \"POST\"}\n",
              {"--http2-prior-knowledge", "-c", "3"});
    REQUIRE(records.size() == 3);
    int ok = 0, failed = 0;
    for (const auto& r : records) {
        if (r["status"] == 200) ++ok;
        if (r.value("method", "GET") == "POST") {
            ++failed;
            CHECK(r["status"].is_null());
            CHECK(r["error"].get<std::string>().find("connection closed") != std::string::npos);
        }
    }
    CHECK(ok == 2);
    CHECK(failed == 1);
    CHECK(server.connections() == 2);
}

TEST_CASE("a connection that stops answering, PINGs included, is taken for dead") {
    h2_server_options o;
    o.answer = [](const h2_request& r, std::size_t) { return ok_reply(r); };
    o.deaf_after = 1;
    h2_server server(o);
    // A POST is not sent again: its record tells what happened. The PING
    // goes out after 10 s of silence, the connection is given up 10 s later.
    auto records = fetch("{\"url\": \"" + server.base_url() + "/post\", \"method\": \"POST\"}\n",
                         {"--http2-prior-knowledge", "--timeout", "60"});
    REQUIRE(records.size() == 1);
    CHECK(records[0]["error"].get<std::string>().find("no answer to PING") != std::string::npos);
    CHECK(records[0]["elapsed_ms"].get<double>() < 40000);
}

TEST_CASE_FIXTURE(nginx_fixture,
                  "HTTP/2 through an HTTP proxy's CONNECT tunnel, one tunnel for all") {
    if (!server && skip_test("nginx is not installed")) return;
    REQUIRE(listening());
    test_proxy proxy;
    auto records = fetch(list("https://localhost:" + std::to_string(h2_port), 6),
                         {"--cacert", tls.ca_cert(), "-c", "6", "--proxy",
                          "http://127.0.0.1:" + std::to_string(proxy.port())});
    REQUIRE(records.size() == 6);
    for (const auto& r : records) {
        CHECK(r["status"] == 200);
        CHECK(r["http_version"] == "2");
    }
    const auto seen = proxy.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].what == "CONNECT localhost:" + std::to_string(h2_port));
}
