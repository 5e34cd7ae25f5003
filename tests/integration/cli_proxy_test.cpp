// Proxies through the real binary: the *_proxy environment as curl reads it,
// --proxy and --noproxy, absolute-form requests and CONNECT tunnels through
// an HTTP proxy, SOCKS5 with local (socks5://) and remote (socks5h://)
// name resolution; proxy credentials only from the environment, never shown.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/proxies.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

using namespace asyncfetch;
using namespace asyncfetch::testing;

namespace {

// Sets environment variables for one scope (the binary inherits them).
struct env_vars {
    explicit env_vars(std::vector<std::pair<std::string, std::string>> vars) : vars_(vars) {
        for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                 "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"})
            ::unsetenv(name);
        for (auto& [name, value] : vars_)
            ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~env_vars() {
        for (auto& [name, value] : vars_)
            ::unsetenv(name.c_str());
    }
    std::vector<std::pair<std::string, std::string>> vars_;
};

std::string proxy_url(const test_proxy& p, const std::string& scheme = "http",
                      const std::string& userinfo = "") {
    return scheme + "://" + userinfo + "127.0.0.1:" + std::to_string(p.port());
}

} // namespace

TEST_CASE("http_proxy carries http URLs in absolute form, its credentials never shown") {
    testserver::server server;
    test_proxy proxy(test_proxy::kind::http, "user:s3cret");
    temp_dir dir;
    const auto list = dir.write("urls.txt", server.base_url() + "/bytes/10\n");
    {
        env_vars env({{"http_proxy", proxy_url(proxy, "http", "user:s3cret@")}});
        auto r = run(asyncfetch_cmd({list, "--retries", "0"}));
        REQUIRE_MESSAGE(r.status == 0, r.err);
        CHECK(records_of(r.out).at(0)["status"] == 200);
        for (const auto& text : {r.out, r.err}) {
            CHECK(text.find("s3cret") == std::string::npos);
            CHECK(text.find("dXNlcjpzM2NyZXQ") == std::string::npos);
        }
    }
    auto seen = proxy.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].what == "GET " + server.base_url() + "/bytes/10");
    CHECK(seen[0].authorization == "Basic dXNlcjpzM2NyZXQ=");

    // Wrong credentials: the 407 is the URL's error, the password still unshown.
    {
        env_vars env({{"http_proxy", proxy_url(proxy, "http", "user:wrong@")}});
        auto r = run(asyncfetch_cmd({list, "--retries", "0", "-q"}));
        CHECK(r.status == 1);
        CHECK(records_of(r.out).at(0)["status"] == 407);
        CHECK(r.out.find("wrong") == std::string::npos);
    }
    // Upper-case HTTP_PROXY is ignored for http URLs (curl: a CGI's Proxy: header).
    {
        env_vars env({{"HTTP_PROXY", proxy_url(proxy)}});
        auto r = run(asyncfetch_cmd({list, "-q"}));
        CHECK(r.status == 0);
    }
    CHECK(proxy.seen().size() == 2);
}

TEST_CASE("https through a CONNECT tunnel: TLS verified end to end with the target's name") {
    tls_files files;
    make_test_ca(files);
    testserver::server_options o;
    o.cert_file = files.server_cert();
    o.key_file = files.server_key();
    testserver::server server(o);
    test_proxy proxy;
    temp_dir dir;
    const auto port = std::to_string(server.port());
    env_vars env({{"HTTPS_PROXY", proxy_url(proxy)}});
    auto r = run(asyncfetch_cmd({dir.write("ok.txt", "https://localhost:" + port + "/bytes/10\n"),
                                 "-q", "--cacert", files.ca_cert()}));
    REQUIRE_MESSAGE(r.status == 0, r.out << r.err);
    REQUIRE(proxy.seen().size() == 1);
    CHECK(proxy.seen()[0].what == "CONNECT localhost:" + port);
    // The certificate is for localhost: by IP through the same tunnel, it fails.
    r = run(asyncfetch_cmd({dir.write("ip.txt", "https://127.0.0.1:" + port + "/bytes/10\n"), "-q",
                            "--cacert", files.ca_cert(), "--retries", "0"}));
    CHECK(r.status == 1);
    CHECK(records_of(r.out).at(0)["error"].get<std::string>().find("tls 127.0.0.1") !=
          std::string::npos);
    CHECK(proxy.seen().size() == 2);
}

TEST_CASE("NO_PROXY, --noproxy and --proxy '' go direct, and --proxy wins over the environment") {
    testserver::server server;
    test_proxy from_env, from_flag;
    temp_dir dir;
    const auto list = dir.write("urls.txt", server.base_url() + "/bytes/10\n");
    env_vars env({{"http_proxy", proxy_url(from_env)}, {"NO_PROXY", "example.org,.0.0.1"}});
    CHECK(run(asyncfetch_cmd({list, "-q"})).status == 0); // 127.0.0.1 ends in .0.0.1
    CHECK(from_env.seen().empty());
    CHECK(run(asyncfetch_cmd({list, "-q", "--noproxy", "other"})).status == 0);
    CHECK(from_env.seen().size() == 1);
    CHECK(run(asyncfetch_cmd({list, "-q", "--proxy", proxy_url(from_flag), "--noproxy", ""}))
              .status == 0);
    CHECK(from_flag.seen().size() == 1);
    CHECK(run(asyncfetch_cmd({list, "-q", "--proxy", "", "--noproxy", ""})).status == 0);
    CHECK(from_env.seen().size() == 1);
    CHECK(from_flag.seen().size() == 1);

    // Credentials on the command line are refused, and not repeated.
    auto r = run(asyncfetch_cmd({list, "-q", "--proxy", proxy_url(from_flag, "http", "u:pw@")}));
    CHECK(r.status == 2);
    CHECK(r.err.find("environment") != std::string::npos);
    CHECK(r.err.find("u:pw") == std::string::npos);
}

TEST_CASE(
    "socks5h:// hands the proxy the name, socks5:// the address, from ALL_PROXY, with a login") {
    testserver::server server;
    test_proxy socks(test_proxy::kind::socks5, "user:pw");
    temp_dir dir;
    const auto port = std::to_string(server.port());
    const auto list = dir.write("urls.txt", "http://localhost:" + port + "/bytes/10\n");
    {
        env_vars env({{"ALL_PROXY", proxy_url(socks, "socks5h", "user:pw@")}});
        auto r = run(asyncfetch_cmd({list, "-q", "--retries", "0"}));
        REQUIRE_MESSAGE(r.status == 0, r.out << r.err);
    }
    {
        env_vars env({{"all_proxy", proxy_url(socks, "socks5", "user:pw@")}});
        auto r = run(asyncfetch_cmd({list, "-q", "--retries", "0"}));
        REQUIRE_MESSAGE(r.status == 0, r.out << r.err);
    }
    auto seen = socks.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].what == "socks5 name localhost:" + port);
    CHECK(seen[0].authorization == "user:pw");
    CHECK(seen[1].what.starts_with("socks5 ip ")); // 127.0.0.1 or ::1, resolved here
    {
        env_vars env({{"ALL_PROXY", proxy_url(socks, "socks5h", "user:bad@")}});
        auto r = run(asyncfetch_cmd({list, "-q", "--retries", "0"}));
        CHECK(r.status == 1);
        const auto error = records_of(r.out).at(0)["error"].get<std::string>();
        CHECK(error.find("user or password refused") != std::string::npos);
        CHECK(error.find("bad") == std::string::npos);
    }
}
