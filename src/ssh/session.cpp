#include "asyncfetch/ssh/session.hpp"

#include "asyncfetch/core/dns.hpp"
#include "asyncfetch/core/error.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/known_hosts.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libssh2.h>

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

std::vector<std::string> default_identities() {
    std::vector<std::string> out;
    const char* home = std::getenv("HOME");
    if (!home) return out;
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        const auto path = std::string(home) + "/.ssh/" + name;
        if (std::filesystem::exists(path)) out.push_back(path);
    }
    return out;
}

// An RSA private key, whatever its file format.
bool is_rsa_key(const std::string& path) {
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    if (first.find("RSA PRIVATE KEY") != std::string::npos) return true;
    std::ifstream pub(path + ".pub");
    std::string type;
    pub >> type;
    return type == "ssh-rsa";
}

constexpr auto rsa_note = " (an RSA key: libssh2 1.10 signs RSA keys only with ssh-rsa/SHA-1, "
                          "which OpenSSH 8.8 and later refuse "
                          "by default; use an ed25519 key: ssh-keygen -t ed25519)";

// libssh2's signing callback for keys parsed by keys.cpp: the raw signature,
// in memory libssh2 frees with its default allocator (free).
int sign_with_cached_key(LIBSSH2_SESSION*, unsigned char** sig, std::size_t* sig_len,
                         const unsigned char* data, std::size_t data_len, void** abstract) {
    const auto* signer = static_cast<const ed25519_signer*>(*abstract);
    const auto signature = signer->sign({reinterpret_cast<const char*>(data), data_len});
    if (signature.empty()) return -1;
    *sig = static_cast<unsigned char*>(std::malloc(signature.size()));
    if (!*sig) return -1;
    std::memcpy(*sig, signature.data(), signature.size());
    *sig_len = signature.size();
    return 0;
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
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    for (int i = 0; i < 8 && libssh2_session_free(session_) == LIBSSH2_ERROR_EAGAIN; ++i) {
    }
    session_ = nullptr;
}

std::string session::last_error() const {
    char* msg = nullptr;
    int len = 0;
    const int code = libssh2_session_last_error(session_, &msg, &len, 0);
    return (msg && len > 0 ? std::string(msg, static_cast<std::size_t>(len))
                           : std::string("unknown error")) +
           " (" + std::to_string(code) + ")";
}

asio::awaitable<void> session::wait_socket() {
    co_await wait_socket(libssh2_session_block_directions(session_));
}

asio::awaitable<void> session::wait_socket(int dirs) {
    using namespace asio::experimental::awaitable_operators;
    const bool in = dirs & LIBSSH2_SESSION_BLOCK_INBOUND;
    const bool out = dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND;
    if (in && out) {
        co_await (socket_.async_wait(tcp::socket::wait_read, asio::use_awaitable) ||
                  socket_.async_wait(tcp::socket::wait_write, asio::use_awaitable));
    } else if (out) {
        co_await socket_.async_wait(tcp::socket::wait_write, asio::use_awaitable);
    } else {
        co_await socket_.async_wait(tcp::socket::wait_read, asio::use_awaitable);
    }
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

    // Connect.
    const auto connect_budget = budget(options.connect_timeout, deadline);
    auto connecting = asio::async_connect(socket_, endpoints, asio::as_tuple(asio::use_awaitable));
    auto connected = co_await within(connect_budget, std::move(connecting));
    if (!connected)
        co_return timed_out("connect " + where, ssh_errc::connect_timeout, connect_budget);
    if (auto [cec, ep] = *connected; cec)
        co_return ssh_failure{cec, "connect " + where + ": " + cec.message()};
    // sshd sets no TCP_NODELAY without a pty: without it each exchange can wait for a delayed ACK.
    socket_.set_option(tcp::no_delay(true));

    // SSH handshake: key exchange, in non-blocking mode.
    session_ = libssh2_session_init();
    libssh2_session_set_blocking(session_, 0);
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
    co_return *authed;
}

asio::awaitable<ssh_failure> session::authenticate(const host_spec& host,
                                                   const auth_options& auth) {
    const std::string& user = host.user;
    const auto user_len = static_cast<unsigned>(user.size());
    // Which methods the server offers (a NULL list with success means "none" was enough).
    const char* methods = nullptr;
    const long listed = co_await retry([&] {
        methods = libssh2_userauth_list(session_, user.c_str(), user_len);
        return methods ? 0L : static_cast<long>(libssh2_session_last_errno(session_));
    });
    if (!methods) {
        if (libssh2_userauth_authenticated(session_)) co_return ssh_failure{};
        co_return ssh_failure{libssh2_error(static_cast<int>(listed)),
                              "auth " + host.display() + ": " + last_error()};
    }
    const std::string offered = methods;
    std::vector<std::string> tried;
    bool rsa_refused = false;

    if (offered.find("publickey") != std::string::npos && auth.use_keys) {
        // 1. Keys held by ssh-agent. (Agent I/O is a local UNIX socket, done by libssh2 itself.)
        if (auth.use_agent && std::getenv("SSH_AUTH_SOCK")) {
            LIBSSH2_AGENT* agent = libssh2_agent_init(session_);
            int keys = 0;
            bool ok = false;
            if (agent && libssh2_agent_connect(agent) == 0 &&
                libssh2_agent_list_identities(agent) == 0) {
                libssh2_agent_publickey* identity = nullptr;
                libssh2_agent_publickey* previous = nullptr;
                while (!ok && libssh2_agent_get_identity(agent, &identity, previous) == 0) {
                    ++keys;
                    const long rc = co_await retry([&] {
                        return static_cast<long>(
                            libssh2_agent_userauth(agent, user.c_str(), identity));
                    });
                    ok = rc == 0;
                    previous = identity;
                }
                libssh2_agent_disconnect(agent);
            }
            if (agent) libssh2_agent_free(agent);
            if (ok) co_return ssh_failure{};
            tried.push_back("agent (" + std::to_string(keys) + " keys)");
        }
        // 2. Key files: -i, else the usual ~/.ssh/id_* files.
        const auto files = auth.identity_files.empty() ? default_identities() : auth.identity_files;
        for (const auto& key : files) {
            const char* passphrase = auth.passphrase ? auth.passphrase->c_str() : nullptr;
            long rc = 0;
            if (auto signer = cached_ed25519_signer(key)) {
                // Parsed once per run; signs through libssh2's callback.
                void* abstract = const_cast<ed25519_signer*>(signer.get());
                const auto& blob = signer->public_blob();
                rc = co_await retry([&] {
                    return static_cast<long>(libssh2_userauth_publickey(
                        session_, user.c_str(), reinterpret_cast<const unsigned char*>(blob.data()),
                        blob.size(), &sign_with_cached_key, &abstract));
                });
            } else {
                rc = co_await retry([&] {
                    return static_cast<long>(libssh2_userauth_publickey_fromfile_ex(
                        session_, user.c_str(), user_len, nullptr, key.c_str(), passphrase));
                });
            }
            if (rc == 0) co_return ssh_failure{};
            if (rc == LIBSSH2_ERROR_FILE) {
                tried.push_back("key " + key +
                                " (cannot load it: missing, unreadable, or encrypted without "
                                "the right --passphrase-env)");
            } else {
                const bool rsa = is_rsa_key(key);
                rsa_refused = rsa_refused || rsa;
                tried.push_back("key " + key + (rsa ? " (refused; RSA)" : " (refused)"));
            }
        }
    }
    // 3. A password, when one was given (never asked for here).
    if (offered.find("password") != std::string::npos && auth.password && auth.use_password) {
        const long rc = co_await retry([&] {
            return static_cast<long>(libssh2_userauth_password_ex(
                session_, user.c_str(), user_len, auth.password->c_str(),
                static_cast<unsigned>(auth.password->size()), nullptr));
        });
        if (rc == 0) co_return ssh_failure{};
        tried.push_back("password (refused)");
    }

    std::string message =
        "auth " + host.display() + ": no method succeeded; server offers " + offered + "; tried ";
    if (tried.empty()) message += "nothing usable";
    for (std::size_t i = 0; i < tried.size(); ++i)
        message += (i ? ", " : "") + tried[i];
    if (offered.find("password") != std::string::npos && !auth.password) {
        message +=
            "; for password auth use --password-env VAR, --password-file FILE or --ask-password";
    }
    if (rsa_refused) message += rsa_note;
    co_return ssh_failure{make_error_code(ssh_errc::auth_failed), message};
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
