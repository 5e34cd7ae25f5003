// The SSH session's phase limits against peers that never answer: a listener
// that accepts and sends no banner, a DNS server that never replies. Each
// ends in bounded time with a failure naming its phase.
#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/known_hosts.hpp"
#include "asyncfetch/ssh/session.hpp"
#include "tools/dns_server.hpp"
#include "tools/listeners.hpp"
#include "tools/run_coro.hpp"
#include "tools/sshd.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <libssh2.h>

#include <chrono>
#include <string>
#include <thread>

namespace asio = boost::asio;
using namespace asyncfetch;
using namespace asyncfetch::testing;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct opened {
    ssh::ssh_failure failure;
    clock_type::duration took;
};

opened open_session(const ssh::host_spec& host, const ssh::session_options& options,
                    clock_type::time_point deadline = clock_type::time_point::max()) {
    temp_dir dir;
    ssh::known_hosts hosts(dir.file("known_hosts"), {}, ssh::host_key_policy::accept_new);
    const auto start = clock_type::now();
    auto failure = run_coro<ssh::ssh_failure>(
        [&](asio::any_io_executor ex) -> asio::awaitable<ssh::ssh_failure> {
            ssh::session s(ex);
            co_return co_await s.open(host, options, hosts, deadline);
        },
        30s);
    return {failure, clock_type::now() - start};
}

} // namespace

TEST_CASE("ssh session: a peer that accepts and never sends a banner times out in the handshake") {
    auto silent = silent_listener();
    ssh::session_options options;
    options.handshake_timeout = 300ms; // connect (and everything else) keeps its 10 s
    const auto r = open_session({"someone", "127.0.0.1", silent.port()}, options);
    CHECK(r.failure.ec == ssh::ssh_errc::handshake_timeout);
    CHECK(r.failure.message == "handshake someone@127.0.0.1:" + std::to_string(silent.port()) +
                                   ": timed out after 0.3 s");
    CHECK(r.took < 5s);
}

TEST_CASE("ssh session: a DNS server that never answers times out resolving") {
    dns_server dns;
    dns_record never;
    never.how = dns_record::kind::silent;
    dns.add("silent.asyncfetch.test", never);
    ssh::session_options options;
    options.dns.servers = dns.address();
    options.resolve_timeout = 300ms;
    const auto r = open_session({"someone", "silent.asyncfetch.test", 22}, options);
    CHECK(r.failure.ec == ssh::ssh_errc::resolve_timeout);
    CHECK(r.failure.message == "resolve silent.asyncfetch.test: timed out after 0.3 s");
    CHECK(r.took < 5s);
}

TEST_CASE(
    "ssh session: the deadline clamps every phase, and the timeout says it was the deadline") {
    auto silent = silent_listener();
    const ssh::session_options options; // 10 s a phase
    const auto r =
        open_session({"someone", "127.0.0.1", silent.port()}, options, clock_type::now() + 300ms);
    CHECK(r.failure.ec == ssh::ssh_errc::handshake_timeout);
    CHECK_MESSAGE(r.failure.message.find("(the session's deadline)") != std::string::npos,
                  r.failure.message);
    CHECK(r.took < 5s);
}

TEST_CASE("ssh session: a peer that closes before the banner is named so, without a raw code") {
    // Accepts one connection and closes it at once (a TCP service that is not sshd, or an sshd
    // refusing the client: MaxStartups, TCP wrappers).
    asio::io_context accept_io;
    asio::ip::tcp::acceptor acceptor(accept_io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    std::thread closer([&] {
        auto peer = acceptor.accept();
        peer.close();
    });
    const auto r = open_session({"someone", "127.0.0.1", port}, ssh::session_options{});
    closer.join();
    CHECK(r.failure.message == "handshake someone@127.0.0.1:" + std::to_string(port) +
                                   ": the server closed the connection before SSH began");
}

TEST_CASE("ssh session: compression asked for is what libssh2 and sshd agree on (zlib)") {
    if (sshd_unavailable()) return;
    sshd_server sshd;
    temp_dir dir;
    ssh::known_hosts hosts(dir.file("known_hosts"), {}, ssh::host_key_policy::accept_new);
    for (const bool compress : {true, false}) {
        ssh::session_options options;
        options.compression = compress;
        options.auth.use_agent = false;
        options.auth.identity_files = {sshd.ed25519_key()};
        const auto methods = run_coro<std::string>(
            [&](asio::any_io_executor ex) -> asio::awaitable<std::string> {
                ssh::session s(ex);
                const ssh::host_spec host{sshd_server::user(), "127.0.0.1", sshd.port()};
                auto failure = co_await s.open(host, options, hosts);
                std::string out = failure ? "failed: " + failure.message : "";
                if (!failure)
                    out = std::string(libssh2_session_methods(s.raw(), LIBSSH2_METHOD_COMP_CS)) +
                          " " + libssh2_session_methods(s.raw(), LIBSSH2_METHOD_COMP_SC);
                co_await s.close();
                co_return out;
            },
            30s);
        if (compress)
            CHECK_MESSAGE(methods == "zlib@openssh.com zlib@openssh.com", methods);
        else
            CHECK(methods == "none none");
    }
}
