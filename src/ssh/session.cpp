#include "asyncfetch/ssh/session.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "socket_wait.hpp"

#include "asyncfetch/core/dns.hpp"
#include "asyncfetch/core/error.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/known_hosts.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <libssh2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace asyncfetch::ssh {
namespace {

void init_libssh2_once() {
    static std::once_flag once;
    std::call_once(once, [] { libssh2_init(0); });
}

// The methods of `preference` (a comma-separated list) this libssh2 has:
// libssh2 1.10 drops the others itself, but with an overlapping memcpy.
std::string supported_hostkey_methods(LIBSSH2_SESSION* s, const std::string& preference) {
    const char** algs = nullptr;
    const int count = libssh2_session_supported_algs(s, LIBSSH2_METHOD_HOSTKEY, &algs);
    std::string out;
    std::size_t start = 0;
    while (start <= preference.size()) {
        auto end = preference.find(',', start);
        if (end == std::string::npos) end = preference.size();
        const auto method = preference.substr(start, end - start);
        for (int i = 0; i < count; ++i)
            if (method == algs[i]) out += (out.empty() ? "" : ",") + method;
        start = end + 1;
    }
    if (algs) libssh2_free(s, algs);
    return out;
}

// "PHASE WHERE: timed out after N s", with the phase's own code; a phase
// the session's deadline cut short says so.
ssh_failure timed_out(const std::string& phase_where, ssh_errc code, const phase_budget& b) {
    char text[96];
    std::snprintf(text, sizeof text, ": timed out after %.1f s%s",
                  std::chrono::duration<double>(b.limit).count(),
                  b.deadline_bound ? " (the session's deadline)" : "");
    return ssh_failure{make_error_code(code), phase_where + text};
}

} // namespace

session::session(asio::any_io_executor ex) : socket_(std::move(ex)) {
    init_libssh2_once();
}

session::~session() {
    if (!session_) return;
    // Abandoned mid-way (error, timeout, cancel): shut the socket first so
    // that libssh2's clean-up fails fast instead of waiting for the peer.
    boost::system::error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_both, ignored);
    for (int i = 0; i < 8 && libssh2_session_free(session_) == LIBSSH2_ERROR_EAGAIN; ++i) {
    }
    session_ = nullptr;
}

std::string session::last_error() const {
    if (!silent_server_.empty()) return silent_server_;
    char* msg = nullptr;
    int len = 0;
    const int code = libssh2_session_last_error(session_, &msg, &len, 0);
    return libssh2_text(code, msg && len > 0 ? std::string_view(msg, static_cast<std::size_t>(len))
                                             : std::string_view());
}

asio::awaitable<void> session::wait_socket() {
    co_await wait_socket(libssh2_session_block_directions(session_));
}

asio::awaitable<void> session::wait_socket(int dirs) {
    if (keepalive_interval_.count() > 0)
        co_await wait_socket_alive(dirs);
    else
        co_await wait_ready(socket_, dirs);
    last_wait_ = clock_type::now();
}

asio::awaitable<void> session::yield_turn() {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    last_wait_ = clock_type::now();
    // A cancel (the --timeout race, Ctrl-C) that came while the others ran:
    // a post has no cancellation of its own, so ask here.
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none)
        throw boost::system::system_error(asio::error::operation_aborted);
}

asio::awaitable<ssh_failure> session::open(const host_spec& host, const session_options& options,
                                           known_hosts& hosts, clock_type::time_point deadline) {
    const auto where = host.display();
    auto ex = co_await asio::this_coro::executor;

    // Resolve (host names only; addresses are used as they are).
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host.host, ec);
    if (!ec) {
        endpoints.emplace_back(address, host.port);
    } else {
        // The loop's resolver (shared with every session of the run).
        const auto b = budget(options.resolve_timeout, deadline);
        // (No limit at all: resolv.conf's own timeouts end the lookup.)
        const auto limit = b.unlimited() ? clock_type::duration(std::chrono::hours(24)) : b.limit;
        auto resolver = dns::loop_resolver(ex, options.dns);
        auto found = co_await resolver->resolve(host.host, dns::family::any, limit);
        if (found.ec == errc::resolve_timeout)
            co_return timed_out("resolve " + host.host, ssh_errc::resolve_timeout, b);
        if (found.ec)
            co_return ssh_failure{found.ec, "resolve " + host.host + ": " + found.ec.message()};
        for (const auto& a : found.addresses)
            endpoints.emplace_back(a, host.port);
    }

    tcp::socket tcp_socket(ex);
    if (auto failed = co_await connect(tcp_socket, endpoints, where, options, deadline))
        co_return failed;
    // sshd sets no TCP_NODELAY without a pty: without it each exchange can wait for a delayed ACK.
    tcp_socket.set_option(tcp::no_delay(true));
    const asio::generic::stream_protocol protocol(tcp_socket.local_endpoint().protocol());
    socket_.assign(protocol, tcp_socket.release());
    co_return co_await start(host, options, hosts, deadline);
}

asio::awaitable<ssh_failure> session::open_over(asio::generic::stream_protocol::socket connected,
                                                const host_spec& host,
                                                const session_options& options, known_hosts& hosts,
                                                clock_type::time_point deadline) {
    socket_ = std::move(connected);
    co_return co_await start(host, options, hosts, deadline);
}

asio::awaitable<ssh_failure> session::start(const host_spec& host, const session_options& options,
                                            known_hosts& hosts, clock_type::time_point deadline) {
    const auto where = host.display();

    // SSH handshake: key exchange, in non-blocking mode.
    session_ = libssh2_session_init();
    libssh2_session_set_blocking(session_, 0);
    if (options.compression) libssh2_session_flag(session_, LIBSSH2_FLAG_COMPRESS, 1);
    // Ask for a key type known_hosts holds for this host, as OpenSSH does:
    // libssh2's own order would make an ed25519-pinned host offer ECDSA.
    const auto hostkey_methods =
        supported_hostkey_methods(session_, hosts.hostkey_preference(host));
    if (const int rc = hostkey_methods.empty()
                           ? 0
                           : libssh2_session_method_pref(session_, LIBSSH2_METHOD_HOSTKEY,
                                                         hostkey_methods.c_str()))
        co_return ssh_failure{libssh2_error(rc), "handshake " + where + ": " + last_error()};
    const int fd = socket_.native_handle();
    const auto handshake_budget = budget(options.handshake_timeout, deadline);
    auto handshake =
        retry([this, fd] { return static_cast<long>(libssh2_session_handshake(session_, fd)); });
    auto shook = co_await within(handshake_budget, std::move(handshake));
    if (!shook)
        co_return timed_out("handshake " + where, ssh_errc::handshake_timeout, handshake_budget);
    if (*shook != 0)
        co_return ssh_failure{libssh2_error(static_cast<int>(*shook)),
                              "handshake " + where + ": " + last_error()};
    handshaken_ = true;

    // The host key, against known_hosts.
    if (auto refused = hosts.check(session_, host)) co_return refused;

    // Authentication, in OpenSSH's order.
    const auto auth_budget = budget(options.auth_timeout, deadline);
    auto authenticating = authenticate(host, options.auth);
    auto authed = co_await within(auth_budget, std::move(authenticating));
    if (!authed) co_return timed_out("auth " + where, ssh_errc::auth_timeout, auth_budget);
    if (!*authed && options.keepalive_interval.count() > 0) {
        // wait_socket_alive decides when to send. libssh2 sends at most one
        // keep-alive per 2 s (it turns an interval of 1 into 2, on a clock of
        // whole seconds), so 2 s is the shortest interval that means what it says.
        libssh2_keepalive_config(session_, 1, 2);
        keepalive_interval_ = std::max(options.keepalive_interval, std::chrono::seconds(2));
        keepalive_count_max_ = std::max(1u, options.keepalive_count_max);
        last_inbound_ = clock_type::now();
    }
    co_return *authed;
}

asio::awaitable<ssh_failure> session::connect(tcp::socket& socket,
                                              const std::vector<tcp::endpoint>& endpoints,
                                              const std::string& where,
                                              const session_options& options,
                                              clock_type::time_point deadline) {
    const unsigned attempts = std::max(1u, options.connection_attempts);
    auto backoff = clock_type::duration(std::chrono::milliseconds(500));
    for (unsigned attempt = 1;; ++attempt) {
        const auto b = budget(options.connect_timeout, deadline);
        auto connecting = asio::async_connect(socket, endpoints, use_tuple);
        auto connected = co_await within(b, std::move(connecting));
        if (connected && !std::get<0>(*connected)) co_return ssh_failure{};
        auto failure =
            connected ? ssh_failure{std::get<0>(*connected),
                                    "connect " + where + ": " + std::get<0>(*connected).message()}
                      : timed_out("connect " + where, ssh_errc::connect_timeout, b);
        // Refused, unreachable or silent: worth another try while attempts
        // and the session's deadline allow.
        if (attempt >= attempts || clock_type::now() + backoff >= deadline) {
            if (attempt > 1) failure.message += " (" + std::to_string(attempt) + " attempts)";
            co_return failure;
        }
        boost::system::error_code ignored;
        socket.close(ignored);
        co_await sleep_for(backoff);
        backoff = std::min(backoff * 2, clock_type::duration(std::chrono::seconds(4)));
    }
}

asio::awaitable<void> session::close() {
    if (!session_) co_return;
    if (handshaken_) {
        // A polite goodbye, but never wait long for it.
        auto goodbye = retry([this] {
            return static_cast<long>(
                libssh2_session_disconnect_ex(session_, SSH_DISCONNECT_BY_APPLICATION, "bye", ""));
        });
        co_await with_timeout(std::move(goodbye), std::chrono::seconds(2));
    }
    auto freeing = retry([this] { return static_cast<long>(libssh2_session_free(session_)); });
    if (co_await with_timeout(std::move(freeing), std::chrono::seconds(2))) session_ = nullptr;
    boost::system::error_code ignored;
    socket_.close(ignored);
}

} // namespace asyncfetch::ssh
