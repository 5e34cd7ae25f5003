// TLS client certificates and --tls-min through the real binary, against the
// test server requiring a certificate from a CA made at test time.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <cstdlib>
#include <stdexcept>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

const char* const passphrase = "s3cret-Key-pass";
const char* const wrong_passphrase = "not-the-Key-pass";

struct client_cert_fixture {
    explicit client_cert_fixture(int server_tls_max = 0) {
        make_test_ca(files);
        ::setenv("CLIENT_KEY_PASSPHRASE", passphrase, 1);
        const std::string cmd = std::string(ASYNCFETCH_SOURCE_DIR) +
                                "/tests/tools/make-client-cert.sh " + files.dir.path();
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make-client-cert.sh failed");
        ::unsetenv("CLIENT_KEY_PASSPHRASE");
        testserver::server_options o;
        o.address = "127.0.0.1";
        o.cert_file = files.server_cert();
        o.key_file = files.server_key();
        o.client_ca_file = files.ca_cert();
        o.tls_max_version = server_tls_max;
        server = std::make_unique<testserver::server>(o);
        url = "https://localhost:" + std::to_string(server->port()) + "/bytes/42";
    }
    std::string file(const char* name) const { return files.dir.file(name); }
    // asyncfetch fetching `url` with the test CA trusted and these flags.
    run_result fetch(std::vector<std::string> flags) const {
        std::vector<std::string> args{"-", "-q", "--retries", "0", "--cacert", files.ca_cert()};
        args.insert(args.end(), flags.begin(), flags.end());
        return run(asyncfetch_cmd(args), url + "\n");
    }
    tls_files files;
    std::unique_ptr<testserver::server> server;
    std::string url;
};

json only_record(const run_result& r) {
    const auto records = records_of(r.out);
    REQUIRE_MESSAGE(records.size() == 1, (r.out + r.err));
    return records[0];
}

struct tls12_server : client_cert_fixture {
    tls12_server() : client_cert_fixture(TLS1_2_VERSION) {}
};

} // namespace

TEST_CASE_FIXTURE(client_cert_fixture, "a client certificate is sent to a server that asks") {
    SUBCASE("certificate and key in two files") {
        auto r = fetch({"--cert", file("client.pem"), "--key", file("client.key")});
        CHECK_MESSAGE(r.status == 0, r.err);
        CHECK(only_record(r)["bytes"] == 42);
    }
    SUBCASE("certificate and key in one file") {
        auto r = fetch({"--cert", file("client-combined.pem")});
        CHECK_MESSAGE(r.status == 0, r.err);
        CHECK(only_record(r)["bytes"] == 42);
    }
    SUBCASE("an encrypted key, its passphrase from the environment") {
        ::setenv("ASYNCFETCH_TEST_KEY_PASS", passphrase, 1);
        auto r = fetch({"--cert", file("client.pem"), "--key", file("client-encrypted.key"),
                        "--key-passphrase-env", "ASYNCFETCH_TEST_KEY_PASS"});
        ::unsetenv("ASYNCFETCH_TEST_KEY_PASS");
        CHECK_MESSAGE(r.status == 0, r.err);
        CHECK(only_record(r)["bytes"] == 42);
        CHECK(r.out.find(passphrase) == std::string::npos);
    }
    CHECK(server->requests_served() == 1);
}

TEST_CASE_FIXTURE(client_cert_fixture, "without an accepted certificate: an error record") {
    SUBCASE("none given") {
        auto r = fetch({});
        CHECK(r.status == 1);
        const auto record = only_record(r);
        CHECK(record["status"].is_null());
        CHECK_MESSAGE(record["error"].get<std::string>().find("certificate required") !=
                          std::string::npos,
                      record.dump());
    }
    SUBCASE("one from a CA the server does not trust") {
        auto r = fetch({"--cert", file("stranger.pem"), "--key", file("stranger.key")});
        CHECK(r.status == 1);
        CHECK_MESSAGE(only_record(r)["error"].get<std::string>().find("unknown ca") !=
                          std::string::npos,
                      r.out);
    }
    CHECK(server->requests_served() == 0);
}

TEST_CASE_FIXTURE(client_cert_fixture, "key mistakes are usage errors that never show the "
                                       "passphrase") {
    SUBCASE("a wrong passphrase") {
        ::setenv("ASYNCFETCH_TEST_KEY_PASS", wrong_passphrase, 1);
        auto r = fetch({"--cert", file("client.pem"), "--key", file("client-encrypted.key"),
                        "--key-passphrase-env", "ASYNCFETCH_TEST_KEY_PASS"});
        ::unsetenv("ASYNCFETCH_TEST_KEY_PASS");
        CHECK(r.status == 2);
        CHECK_MESSAGE(r.err.find("cannot decrypt the private key in '" +
                                 file("client-encrypted.key") + "'") != std::string::npos,
                      r.err);
        CHECK(r.err.find(wrong_passphrase) == std::string::npos);
        CHECK(r.err.find(passphrase) == std::string::npos);
    }
    SUBCASE("an encrypted key and no passphrase: never a prompt") {
        auto r = fetch({"--cert", file("client.pem"), "--key", file("client-encrypted.key")});
        CHECK(r.status == 2);
        CHECK_MESSAGE(r.err.find("is encrypted: give its passphrase with --key-passphrase-env") !=
                          std::string::npos,
                      r.err);
    }
    SUBCASE("an unset variable") {
        auto r = fetch({"--cert", file("client.pem"), "--key", file("client-encrypted.key"),
                        "--key-passphrase-env", "ASYNCFETCH_TEST_UNSET_VAR"});
        CHECK(r.status == 2);
        CHECK(r.err.find("ASYNCFETCH_TEST_UNSET_VAR") != std::string::npos);
    }
    SUBCASE("a key that is not the certificate's") {
        auto r = fetch({"--cert", file("client.pem"), "--key", file("stranger.key")});
        CHECK(r.status == 2);
        CHECK_MESSAGE(r.err.find("does not match the certificate") != std::string::npos, r.err);
    }
    SUBCASE("a certificate file without a key, and no --key") {
        auto r = fetch({"--cert", file("client.pem")});
        CHECK(r.status == 2);
        CHECK_MESSAGE(r.err.find("give the key with --key FILE") != std::string::npos, r.err);
    }
    SUBCASE("--key without --cert") {
        auto r = fetch({"--key", file("client.key")});
        CHECK(r.status == 2);
        CHECK_MESSAGE(r.err.find("needs its certificate (--cert)") != std::string::npos, r.err);
    }
    CHECK(server->requests_served() == 0);
}

TEST_CASE_FIXTURE(tls12_server, "--tls-min 1.3 refuses a server that offers only TLS 1.2") {
    auto ok = fetch({"--cert", file("client-combined.pem"), "--tls-min", "1.2"});
    CHECK_MESSAGE(ok.status == 0, ok.err);
    auto r = fetch({"--cert", file("client-combined.pem"), "--tls-min", "1.3"});
    CHECK(r.status == 1);
    const auto error = only_record(r)["error"].get<std::string>();
    CHECK_MESSAGE(error.starts_with("tls localhost:"), error);
    CHECK_MESSAGE(error.find("protocol version") != std::string::npos, error);
    auto bad = fetch({"--tls-min", "1.1"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("'1.1' is not a TLS version (1.2 or 1.3)") != std::string::npos);
    CHECK(server->requests_served() == 1);
}

TEST_CASE_FIXTURE(client_cert_fixture, "a config job and a worker take the same options") {
    ::setenv("ASYNCFETCH_TEST_KEY_PASS", passphrase, 1);
    const auto config =
        files.dir.write("c.json", json{{"jobs",
                                        {{{"name", "tls"},
                                          {"kind", "fetch"},
                                          {"targets", {url}},
                                          {"retries", 0},
                                          {"cacert", files.ca_cert()},
                                          {"cert", file("client.pem")},
                                          {"key", file("client-encrypted.key")},
                                          {"key_passphrase_env", "ASYNCFETCH_TEST_KEY_PASS"},
                                          {"tls_min", "1.2"},
                                          {"output", file("out.jsonl")}}}}}
                                      .dump());
    auto r = run(asyncfetch_cmd({"run", config, "--once", "-q"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(records_of(read_file(file("out.jsonl"))).size() == 1);
    ::setenv("ASYNCFETCH_TEST_KEY_PASS", wrong_passphrase, 1);
    auto wrong = run(asyncfetch_cmd({"run", config, "--once", "-q"}));
    CHECK(wrong.status == 2);
    CHECK_MESSAGE(wrong.err.find("jobs[0].key: cannot decrypt") != std::string::npos, wrong.err);
    CHECK(wrong.err.find(wrong_passphrase) == std::string::npos);
    const auto bad_min = files.dir.write(
        "bad.json",
        R"({"jobs": [{"name": "t", "kind": "fetch", "targets": [], "tls_min": "1.0"}]})");
    auto refused = run(asyncfetch_cmd({"run", bad_min, "--once"}));
    CHECK(refused.status == 2);
    CHECK_MESSAGE(refused.err.find("jobs[0].tls_min: '1.0' is not a TLS version") !=
                      std::string::npos,
                  refused.err);
    // A worker checks the key before it goes near Redis.
    auto worker = run(asyncfetch_cmd({"worker", "redis://127.0.0.1:1/job", "--cert",
                                      file("client.pem"), "--key", file("client-encrypted.key"),
                                      "--key-passphrase-env", "ASYNCFETCH_TEST_KEY_PASS"}));
    ::unsetenv("ASYNCFETCH_TEST_KEY_PASS");
    CHECK(worker.status == 2);
    CHECK_MESSAGE(worker.err.find("cannot decrypt the private key") != std::string::npos,
                  worker.err);
    CHECK(server->requests_served() == 1);
}
