// The resolver against the DNS test server on 127.0.0.1 (and the system's
// /etc/hosts): concurrency, each error kind, the caches, localhost.
#include "asyncfetch/core/dns.hpp"
#include "asyncfetch/core/error.hpp"
#include "tools/dns_server.hpp"
#include "tools/run_coro.hpp"
#include "tools/tls_files.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

namespace asio = boost::asio;
using namespace asyncfetch;
using asyncfetch::testing::dns_record;
using asyncfetch::testing::dns_server;
using asyncfetch::testing::run_coro;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

dns::dns_options through(const dns_server& server) {
    dns::dns_options o;
    o.servers = server.address();
    return o;
}

dns_record at(std::vector<std::string> v4, std::vector<std::string> v6 = {},
              std::uint32_t ttl = 60) {
    dns_record r;
    r.v4 = std::move(v4);
    r.v6 = std::move(v6);
    r.ttl = ttl;
    return r;
}

dns_record behaving(dns_record::kind how) {
    dns_record r;
    r.how = how;
    return r;
}

struct lookup {
    std::string name;
    dns::family wanted = dns::family::any;
    clock_type::duration timeout = 5s;
};

struct outcome {
    std::vector<dns::resolve_result> results;
    std::vector<clock_type::duration> took;
    dns::resolver_stats stats;
    clock_type::duration wall{};
};

// Runs the lookups at once on one resolver; `rounds` repeats them after `pause`.
outcome resolve_all(const dns::dns_options& options, std::vector<lookup> lookups) {
    return run_coro<outcome>([&](asio::any_io_executor ex) -> asio::awaitable<outcome> {
        dns::resolver r(ex, options);
        outcome out;
        out.results.resize(lookups.size());
        out.took.resize(lookups.size());
        std::size_t done = 0;
        const auto start = clock_type::now();
        for (std::size_t i = 0; i < lookups.size(); ++i) {
            asio::co_spawn(
                ex,
                [&, i]() -> asio::awaitable<void> {
                    const auto began = clock_type::now();
                    out.results[i] =
                        co_await r.resolve(lookups[i].name, lookups[i].wanted, lookups[i].timeout);
                    out.took[i] = clock_type::now() - began;
                    ++done;
                },
                asio::detached);
        }
        asio::steady_timer poll(ex);
        while (done < lookups.size()) {
            poll.expires_after(1ms);
            co_await poll.async_wait(asio::use_awaitable);
        }
        out.wall = clock_type::now() - start;
        out.stats = r.stats();
        co_return out;
    });
}

dns::resolve_result resolve_one(const dns::dns_options& options, const std::string& name,
                                dns::family wanted = dns::family::any,
                                clock_type::duration timeout = 5s) {
    return resolve_all(options, {{name, wanted, timeout}}).results.at(0);
}

std::vector<std::string> texts(const dns::resolve_result& r) {
    std::vector<std::string> out;
    for (const auto& a : r.addresses)
        out.push_back(a.to_string());
    std::sort(out.begin(), out.end());
    return out;
}

long ms(clock_type::duration d) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

} // namespace

TEST_CASE("dns: 200 names behind a 50 ms server are all asked at once") {
    dns_server server(50ms);
    std::vector<lookup> lookups;
    for (int i = 0; i < 200; ++i) {
        server.add("name" + std::to_string(i) + ".test", at({"127.0.0.1"}));
        lookups.push_back({"name" + std::to_string(i) + ".test"});
    }
    const auto out = resolve_all(through(server), lookups);
    for (const auto& r : out.results) {
        CHECK_MESSAGE(!r.ec, r.ec.message());
        CHECK(texts(r) == std::vector<std::string>{"127.0.0.1"});
    }
    MESSAGE("200 names, 50 ms server: ", ms(out.wall), " ms; server peak in flight ",
            server.peak_in_flight(), " of ", server.queries(), " queries");
    CHECK(out.stats.lookups == 200);
    CHECK(out.stats.peak_in_flight == 200);
    // A and AAAA for each name: one at a time would peak at 2.
    CHECK(server.peak_in_flight() >= 200);
}

TEST_CASE("dns: max_queries_in_flight bounds the lookups sent at once") {
    dns_server server(20ms);
    std::vector<lookup> lookups;
    for (int i = 0; i < 60; ++i) {
        server.add("n" + std::to_string(i) + ".test", at({"127.0.0.1"}));
        lookups.push_back({"n" + std::to_string(i) + ".test"});
    }
    auto options = through(server);
    options.max_queries_in_flight = 10;
    const auto out = resolve_all(options, lookups);
    for (const auto& r : out.results)
        CHECK(!r.ec);
    CHECK(out.stats.peak_in_flight == 10);
    CHECK(server.peak_in_flight() <= 20);
}

TEST_CASE("dns: each failure says which") {
    dns_server server;
    server.add("servfail.test", behaving(dns_record::kind::servfail));
    server.add("refused.test", behaving(dns_record::kind::refused));
    server.add("v6only.test", at({}, {"::1"}));
    server.add("silent.test", behaving(dns_record::kind::silent));
    const auto out = resolve_all(through(server), {{"nx.test"},
                                                   {"servfail.test"},
                                                   {"refused.test"},
                                                   {"v6only.test", dns::family::v4},
                                                   {"silent.test", dns::family::any, 300ms}});
    CHECK(out.results[0].ec == dns::errc::no_such_host);
    CHECK(out.results[0].ec.message() == "no such host");
    CHECK(out.results[1].ec == dns::errc::server_failure);
    CHECK(out.results[2].ec == dns::errc::refused);
    CHECK(out.results[3].ec == dns::errc::no_address);
    CHECK(out.results[4].ec == asyncfetch::errc::resolve_timeout);
    CHECK(ms(out.took[4]) >= 290);
    CHECK(ms(out.took[4]) < 1000);
}

TEST_CASE("dns: the timeout counts from when the query is sent, not while it waits in line") {
    dns_server server(150ms);
    server.add("first.test", at({"127.0.0.1"}));
    server.add("second.test", at({"127.0.0.2"}));
    auto options = through(server);
    options.max_queries_in_flight = 1;
    // The second waits ~150 ms for the slot, then takes ~150 ms: 300 ms in all.
    const auto out = resolve_all(options, {{"first.test", dns::family::any, 250ms},
                                           {"second.test", dns::family::any, 250ms}});
    CHECK_MESSAGE(!out.results[0].ec, out.results[0].ec.message());
    CHECK_MESSAGE(!out.results[1].ec, out.results[1].ec.message());
    CHECK(ms(out.took[1]) >= 290);
}

TEST_CASE("dns: a truncated UDP answer is asked again over TCP") {
    dns_server server;
    auto tc = at({"127.0.0.3"});
    tc.how = dns_record::kind::truncated;
    server.add("tc.test", tc);
    const auto r = resolve_one(through(server), "tc.test", dns::family::v4);
    CHECK_MESSAGE(!r.ec, r.ec.message());
    CHECK(texts(r) == std::vector<std::string>{"127.0.0.3"});
    CHECK(server.tcp_queries() >= 1);
}

TEST_CASE("dns: IPv4 and IPv6 answers, AAAA only names, CNAME chains") {
    dns_server server;
    server.add("both.test", at({"127.0.0.4"}, {"::1"}));
    server.add("v6only.test", at({}, {"::1"}));
    dns_record alias;
    alias.cname = "middle.test";
    server.add("alias.test", alias);
    alias.cname = "target.test";
    server.add("middle.test", alias);
    server.add("target.test", at({"127.0.0.5"}));
    const auto out = resolve_all(
        through(server),
        {{"both.test"}, {"v6only.test"}, {"alias.test"}, {"both.test", dns::family::v6}});
    CHECK(texts(out.results[0]) == std::vector<std::string>{"127.0.0.4", "::1"});
    CHECK(texts(out.results[1]) == std::vector<std::string>{"::1"});
    CHECK(texts(out.results[2]) == std::vector<std::string>{"127.0.0.5"});
    CHECK(texts(out.results[3]) == std::vector<std::string>{"::1"});
}

TEST_CASE("dns: concurrent lookups of one name share one query") {
    dns_server server(50ms);
    server.add("shared.test", at({"127.0.0.1"}));
    std::vector<lookup> lookups(10, lookup{"shared.test"});
    const auto out = resolve_all(through(server), lookups);
    for (const auto& r : out.results)
        CHECK(!r.ec);
    CHECK(out.stats.lookups == 1);
    CHECK(out.stats.shared == 9);
    CHECK(server.queries_for("shared.test") == 2); // A and AAAA
}

TEST_CASE("dns: answers are kept for their TTL, then asked again") {
    dns_server server;
    server.add("short.test", at({"127.0.0.1"}, {}, 1));
    const auto options = through(server);
    const auto out = run_coro<std::vector<std::uint64_t>>(
        [&](asio::any_io_executor ex) -> asio::awaitable<std::vector<std::uint64_t>> {
            dns::resolver r(ex, options);
            std::vector<std::uint64_t> asked;
            co_await r.resolve("short.test", dns::family::any, 5s);
            asked.push_back(server.queries_for("short.test"));
            co_await r.resolve("short.test", dns::family::any, 5s); // within the TTL
            asked.push_back(server.queries_for("short.test"));
            asio::steady_timer t(ex, 1100ms);
            co_await t.async_wait(asio::use_awaitable);
            co_await r.resolve("SHORT.test", dns::family::any, 5s); // expired
            asked.push_back(server.queries_for("short.test"));
            asked.push_back(r.stats().cache_hits);
            co_return asked;
        });
    CHECK(out == std::vector<std::uint64_t>{2, 2, 4, 1});
}

TEST_CASE("dns: no such host is remembered too") {
    dns_server server;
    const auto options = through(server);
    const auto out = run_coro<std::vector<std::uint64_t>>(
        [&](asio::any_io_executor ex) -> asio::awaitable<std::vector<std::uint64_t>> {
            dns::resolver r(ex, options);
            std::vector<std::uint64_t> asked;
            auto first = co_await r.resolve("missing.test", dns::family::any, 5s);
            asked.push_back(first.ec == dns::errc::no_such_host);
            const auto after_first = server.queries_for("missing.test");
            auto again = co_await r.resolve("missing.test", dns::family::any, 5s);
            asked.push_back(again.ec == dns::errc::no_such_host);
            asked.push_back(server.queries_for("missing.test") == after_first);
            co_return asked;
        });
    CHECK(out == std::vector<std::uint64_t>{1, 1, 1});
}

TEST_CASE("dns: localhost resolves to loopback even when DNS says no such host") {
    dns_server server; // knows no names
    const auto out = resolve_all(through(server), {{"localhost"}, {"api.localhost"}});
    CHECK_MESSAGE(!out.results[0].ec, out.results[0].ec.message());
    CHECK(!out.results[0].addresses.empty());
    for (const auto& a : out.results[0].addresses)
        CHECK(a.is_loopback());
    CHECK_MESSAGE(!out.results[1].ec, out.results[1].ec.message());
    CHECK(texts(out.results[1]) == std::vector<std::string>{"127.0.0.1", "::1"});
}

TEST_CASE("dns: /etc/hosts entries are used before DNS (c-ares and system)") {
    // The first name in /etc/hosts that is not localhost, and its address.
    std::ifstream hosts("/etc/hosts");
    std::string line, address, name;
    while (name.empty() && std::getline(hosts, line)) {
        std::istringstream words(line.substr(0, line.find('#')));
        std::string a, n;
        if (!(words >> a)) continue;
        while (words >> n)
            if (n.find("localhost") == std::string::npos) {
                address = a;
                name = n;
                break;
            }
    }
    if (name.empty()) {
        MESSAGE("SKIPPED: /etc/hosts has no entry besides localhost");
        return;
    }
    dns_server server;
    const auto r = resolve_one(through(server), name);
    CHECK_MESSAGE(!r.ec, name, ": ", r.ec.message());
    CHECK(texts(r) == std::vector<std::string>{address});
    CHECK(server.queries() == 0);

    dns::dns_options system;
    system.kind = dns::resolver_kind::system;
    const auto s = resolve_one(system, name, dns::family::v4);
    CHECK_MESSAGE(!s.ec, name, ": ", s.ec.message());
    CHECK(texts(s) == std::vector<std::string>{address});
}

TEST_CASE("dns: another resolv.conf gives the servers and the search list") {
    // resolv.conf has no ports: the server takes port 53 on another loopback address.
    std::unique_ptr<dns_server> server;
    try {
        server = std::make_unique<dns_server>(0ms, "127.0.0.153", 53);
    } catch (const std::exception& e) {
        MESSAGE("SKIPPED: cannot listen on 127.0.0.153:53 (", e.what(), ")");
        return;
    }
    server->add("box.internal.test", at({"127.0.0.6"}));
    asyncfetch::testing::temp_dir dir;
    const auto path = dir.write("resolv.conf", "search internal.test\nnameserver 127.0.0.153\n");
    dns::dns_options options;
    options.resolv_conf = path;
    const auto r = resolve_one(options, "box");
    CHECK_MESSAGE(!r.ec, r.ec.message());
    CHECK(texts(r) == std::vector<std::string>{"127.0.0.6"});
    CHECK(server->queries_for("box.internal.test") >= 1);
}

TEST_CASE("dns: the system resolver answers localhost and IP literals") {
    dns::dns_options system;
    system.kind = dns::resolver_kind::system;
    const auto out = resolve_all(system, {{"localhost", dns::family::v4}, {"192.0.2.7"}});
    CHECK_MESSAGE(!out.results[0].ec, out.results[0].ec.message());
    CHECK(texts(out.results[0]) == std::vector<std::string>{"127.0.0.1"});
    CHECK(texts(out.results[1]) == std::vector<std::string>{"192.0.2.7"});
    CHECK(out.stats.lookups == 1);
}
