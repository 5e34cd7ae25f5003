// Name resolution through the real binary, against the DNS test server
// (--dns-servers): names resolve at the run's concurrency, and a record says
// why a name did not resolve.
#include "asyncfetch/testserver/server.hpp"
#include "tools/dns_server.hpp"
#include "tools/process.hpp"
#include "tools/sshd.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <map>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using namespace std::chrono_literals;

namespace {

dns_record loopback() {
    dns_record r;
    r.v4 = {"127.0.0.1"};
    return r;
}

} // namespace

TEST_CASE("fetch -c 200: 200 names behind a slow DNS server are resolved at once") {
    testserver::server server;
    // Answers slow enough that every query is out before the first answer,
    // even in the sanitizer build on a loaded machine (at 300 ms one run had
    // 159 of 200 out).
    dns_server dns(1000ms);
    std::string list;
    for (int i = 0; i < 200; ++i) {
        const auto name = "name" + std::to_string(i) + ".test";
        dns.add(name, loopback());
        list += "http://" + name + ":" + std::to_string(server.port()) + "/bytes/10\n";
    }
    temp_dir dir;
    const auto file = dir.write("urls.txt", list);
    const auto start = std::chrono::steady_clock::now();
    auto r = run(asyncfetch_cmd({file, "-q", "-c", "200", "--dns-servers", dns.address()}));
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto records = records_of(r.out);
    CHECK(records.size() == 200);
    for (const auto& rec : records)
        CHECK_MESSAGE(rec["error"].is_null(), rec.dump());
    MESSAGE("200 URLs on 200 names, DNS 1 s: ",
            std::chrono::duration_cast<std::chrono::milliseconds>(took).count(),
            " ms; DNS peak in flight ", dns.peak_in_flight(), " of ", dns.queries(), " queries");
    // One name at a time (Asio's resolver thread) would peak at 2 (A and AAAA).
    CHECK(dns.peak_in_flight() >= 200);
    CHECK(dns.queries() == 400); // each name asked once (A and AAAA)
}

TEST_CASE("fetch: a record says why its name did not resolve") {
    testserver::server server;
    dns_server dns;
    dns_record failing;
    failing.how = dns_record::kind::servfail;
    dns.add("servfail.test", failing);
    const auto port = std::to_string(server.port());
    const std::vector<std::string> urls = {"http://nx.test:" + port + "/",
                                           "http://servfail.test:" + port + "/"};
    temp_dir dir;
    std::string list;
    for (const auto& u : urls)
        list += u + "\n";
    const auto file = dir.write("urls.txt", list);
    auto r = run(asyncfetch_cmd({file, "-q", "--retries", "0", "--dns-servers", dns.address()}));
    CHECK(r.status == 1);
    std::map<std::string, std::string> errors;
    for (const auto& rec : records_of(r.out))
        errors[rec["url"]] = rec["error"].is_null() ? "" : rec["error"].get<std::string>();
    CHECK(errors[urls[0]] == "resolve nx.test: no such host");
    CHECK(errors[urls[1]] == "resolve servfail.test: DNS server failure");
}

TEST_CASE("--resolver and --dns-servers are checked before the run") {
    temp_dir dir;
    const auto file = dir.write("urls.txt", "http://example.test/\n");
    auto bad_server = run(asyncfetch_cmd({file, "--dns-servers", "dns.example"}));
    CHECK(bad_server.status == 2);
    CHECK_MESSAGE(bad_server.err.find("--dns-servers") != std::string::npos, bad_server.err);
    CHECK_MESSAGE(bad_server.err.find("not an IP address") != std::string::npos, bad_server.err);
    auto bad_kind = run(asyncfetch_cmd({file, "--resolver", "bind"}));
    CHECK(bad_kind.status == 2);
    CHECK_MESSAGE(bad_kind.err.find("unknown resolver 'bind'") != std::string::npos, bad_kind.err);
    auto both =
        run(asyncfetch_cmd({file, "--resolver", "system", "--dns-servers", "127.0.0.1:53"}));
    CHECK(both.status == 2);
}

TEST_CASE("ssh: host names resolve through the run's resolver (--dns-servers)") {
    if (sshd_unavailable()) return;
    sshd_server sshd;
    dns_server dns;
    dns.add("box.test", loopback());
    temp_dir dir;
    const auto port = std::to_string(sshd.port());
    const auto hosts =
        dir.write("hosts.txt", std::string(sshd_server::user()) + "@box.test:" + port + "\n" +
                                   "missing.test:" + port + "\n");
    auto r = run(asyncfetch_cmd({"ssh", "--known-hosts", dir.file("known_hosts"), "--no-agent",
                                 "-q", "-i", sshd.ed25519_key(), "--dns-servers", dns.address(),
                                 hosts, "--", "echo", "hi"}),
                 "", 120);
    CHECK(r.status == 1);
    std::map<std::string, nlohmann::json> by_host;
    for (const auto& rec : records_of(r.out))
        by_host[rec["host"]] = rec;
    REQUIRE(by_host.count("box.test") == 1);
    CHECK_MESSAGE(by_host["box.test"]["stdout"] == "hi\n", by_host["box.test"].dump());
    REQUIRE(by_host.count("missing.test") == 1);
    CHECK(by_host["missing.test"]["error"].get<std::string>().find(
              "resolve missing.test: no such host") != std::string::npos);
    CHECK(dns.queries_for("box.test") >= 1);
}
