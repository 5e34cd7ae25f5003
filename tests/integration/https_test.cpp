// HTTPS against the test server with a CA made at test time.
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/testserver/server.hpp"
#include "tools/run_coro.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

namespace asio = boost::asio;
using namespace asyncfetch;
using namespace asyncfetch::http;
using asyncfetch::testing::run_coro;

namespace {

struct tls_fixture {
    tls_fixture() {
        testing::make_test_ca(files);
        testserver::server_options o;
        o.cert_file = files.server_cert();
        o.key_file = files.server_key();
        server = std::make_unique<testserver::server>(o);
    }
    std::string url(const std::string& host, const std::string& path) const {
        return "https://" + host + ":" + std::to_string(server->port()) + path;
    }
    testing::tls_files files;
    std::unique_ptr<testserver::server> server;
};

std::vector<fetch_result> fetch_urls(std::vector<std::string> urls, client_options options) {
    return run_coro<std::vector<fetch_result>>(
        [&](asio::any_io_executor ex) -> asio::awaitable<std::vector<fetch_result>> {
            client c(ex, options);
            std::vector<fetch_result> out;
            for (auto& u : urls)
                out.push_back(co_await c.fetch(u));
            co_return out;
        });
}

} // namespace

TEST_CASE_FIXTURE(tls_fixture, "https with the test CA: verified, and connections kept alive") {
    client_options o;
    o.ca_file = files.ca_cert();
    auto r = fetch_urls(std::vector<std::string>(5, url("localhost", "/bytes/42")), o);
    for (auto& res : r) {
        CHECK_FALSE(res.ec);
        CHECK(res.status == 200);
        CHECK(res.bytes == 42);
    }
    CHECK(server->connections_accepted() == 1);
}

TEST_CASE_FIXTURE(tls_fixture, "an unknown CA is refused by default") {
    client_options o;
    o.retry.retries = 0;
    auto r = fetch_urls({url("localhost", "/")}, o);
    CHECK(r[0].ec);
    CHECK(r[0].error.find("certificate verify failed") != std::string::npos);
    CHECK(server->requests_served() == 0);
}

TEST_CASE_FIXTURE(tls_fixture, "a certificate for another name is refused even from a trusted CA") {
    client_options o;
    o.ca_file = files.ca_cert();
    auto r = fetch_urls({url("127.0.0.1", "/")}, o); // the certificate names only localhost
    CHECK(r[0].ec);
    CHECK(r[0].error.find("mismatch") != std::string::npos);
    CHECK(server->requests_served() == 0);
}

TEST_CASE_FIXTURE(tls_fixture, "--insecure accepts what verification would refuse") {
    client_options o;
    o.verify_tls = false;
    auto r = fetch_urls({url("127.0.0.1", "/bytes/3")}, o);
    CHECK_FALSE(r[0].ec);
    CHECK(r[0].bytes == 3);
}
