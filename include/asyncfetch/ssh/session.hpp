// One SSH connection driven by coroutines: libssh2 in non-blocking mode on an
// Asio TCP socket. Every libssh2 call that says EAGAIN is retried after the
// socket is ready in the direction(s) libssh2_session_block_directions names;
// the thread never blocks and never spins.
#pragma once

#include "asyncfetch/core/dns_options.hpp"
#include "asyncfetch/ssh/auth_prompts.hpp"
#include "asyncfetch/ssh/hosts.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct _LIBSSH2_SESSION;

namespace asyncfetch::ssh {

using duration = std::chrono::steady_clock::duration;

enum class host_key_policy { strict, accept_new, off };

struct auth_options {
    std::vector<std::string> identity_files;    // -i; empty: ~/.ssh/id_ed25519, id_ecdsa, id_rsa
    std::vector<std::string> certificate_files; // CertificateFile (and KEY-cert.pub, as ssh)
    std::optional<std::string> password;        // never from the command line
    std::optional<std::string> passphrase;      // for encrypted keys
    bool use_agent = true;                      // SSH_AUTH_SOCK
    bool use_keys = true;                       // ssh_config PubkeyAuthentication
    bool use_password = true;                   // ssh_config PasswordAuthentication
    bool use_kbd_interactive = true;            // ssh_config KbdInteractiveAuthentication
    prompt_asker ask; // --askpass: answers keyboard-interactive prompts other than the password's
};

struct session_options {
    // One limit per phase, each clamped by the deadline open() is given (the
    // shape of HTTP's, core/timeout.hpp's phase_budget); a timeout names its phase.
    duration resolve_timeout = std::chrono::seconds(10);   // the host name's lookup
    duration connect_timeout = std::chrono::seconds(10);   // TCP connect
    duration handshake_timeout = std::chrono::seconds(10); // SSH key exchange (the banner first)
    duration auth_timeout = std::chrono::seconds(10);      // authentication
    std::string known_hosts_path;                          // empty: ~/.ssh/known_hosts
    std::vector<std::string> global_known_hosts = {        // read, never written
        "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"};
    host_key_policy policy = host_key_policy::accept_new;
    auth_options auth;
    dns::dns_options dns; // host names resolve on the loop's resolver for these
    // ConnectionAttempts (--connect-retries + 1): a refused, unreachable or
    // timed-out TCP connect is tried again after a backoff (0.5 s, doubling up
    // to 4 s); never a failed handshake, host key or login.
    unsigned connection_attempts = 1;
    // Compression (-C): ask for zlib (zlib@openssh.com after auth); the server decides.
    bool compression = false;
    // ServerAliveInterval (--keepalive, whole seconds) and ServerAliveCountMax:
    // once open, a session that hears nothing from the server for this long
    // sends a keep-alive, and ends with an error once count of them went
    // unanswered for an interval each (as OpenSSH). Zero: no keep-alives; at
    // least 2 s otherwise (libssh2 sends no more often).
    std::chrono::seconds keepalive_interval{0};
    unsigned keepalive_count_max = 3;

    // --connect-timeout and ssh_config's ConnectTimeout: each phase before the
    // command (lookup, connect, handshake, auth) may take `limit`.
    void set_connect_timeouts(duration limit) {
        resolve_timeout = connect_timeout = handshake_timeout = auth_timeout = limit;
    }
};

class known_hosts;

// Why a session step failed, phrased for the record: "phase: message".
struct ssh_failure {
    boost::system::error_code ec;
    std::string message;
    explicit operator bool() const noexcept { return static_cast<bool>(ec); }
};

class session {
public:
    explicit session(boost::asio::any_io_executor ex);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    // Resolve, connect, handshake, check the host key, authenticate: each
    // phase within its limit in `options`, and all before `deadline`.
    boost::asio::awaitable<ssh_failure> open(const host_spec& host, const session_options& options,
                                             known_hosts& hosts,
                                             std::chrono::steady_clock::time_point deadline =
                                                 std::chrono::steady_clock::time_point::max());

    // The same over a stream already connected to the server (a jump host's
    // tunnel, a ProxyCommand's socket): handshake, host key and auth only.
    boost::asio::awaitable<ssh_failure>
    open_over(boost::asio::generic::stream_protocol::socket connected, const host_spec& host,
              const session_options& options, known_hosts& hosts,
              std::chrono::steady_clock::time_point deadline =
                  std::chrono::steady_clock::time_point::max());

    // Says goodbye to the server and frees libssh2's state (bounded in time).
    boost::asio::awaitable<void> close();

    // Calls `step` until it returns something other than LIBSSH2_ERROR_EAGAIN,
    // waiting for the socket in between. Returns the last return value.
    // A peer fast enough that libssh2 never says EAGAIN would keep the
    // thread: no other host would run and no timeout could fire. So once
    // `turn` has passed without a wait, the step's caller first lets the
    // rest of the loop run.
    template <class Step>
    boost::asio::awaitable<long> retry(Step step) {
        for (;;) {
            const long rc = step();
            if (rc != -37 /* LIBSSH2_ERROR_EAGAIN */) {
                if (turn_due()) co_await yield_turn();
                co_return rc;
            }
            co_await wait_socket();
        }
    }
    static constexpr std::chrono::milliseconds turn{5};
    // Whether `turn` has passed since the session last waited; then a loop
    // of its own over libssh2 calls (exec's reads) calls yield_turn.
    bool turn_due() const noexcept { return std::chrono::steady_clock::now() - last_wait_ >= turn; }
    // Lets every other ready handler of the loop run once, then goes on
    // (throws operation_aborted when a timeout or cancel came meanwhile).
    boost::asio::awaitable<void> yield_turn();

    // Waits until the socket is ready in the direction(s) libssh2 is blocked on.
    boost::asio::awaitable<void> wait_socket();
    // Waits until the socket is ready in the given LIBSSH2_SESSION_BLOCK_* directions.
    boost::asio::awaitable<void> wait_socket(int directions);

    _LIBSSH2_SESSION* raw() const noexcept { return session_; }
    // libssh2's last error in words (error.hpp: libssh2_text); once the
    // keep-alives found the server silent, that instead.
    std::string last_error() const;

private:
    boost::asio::awaitable<ssh_failure> authenticate(const host_spec& host,
                                                     const auth_options& auth);
    // Connects to one of `endpoints`, up to `attempts` times.
    boost::asio::awaitable<ssh_failure>
    connect(boost::asio::ip::tcp::socket& socket,
            const std::vector<boost::asio::ip::tcp::endpoint>& endpoints, const std::string& where,
            const session_options& options, std::chrono::steady_clock::time_point deadline);
    // wait_socket with keep-alives: wakes every interval to send one (when no
    // packet is half sent) or to end a session whose server fell silent.
    boost::asio::awaitable<void> wait_socket_alive(int directions);

    boost::asio::awaitable<ssh_failure> start(const host_spec& host, const session_options& options,
                                              known_hosts& hosts,
                                              std::chrono::steady_clock::time_point deadline);

    boost::asio::generic::stream_protocol::socket socket_; // TCP, or a local stream
    _LIBSSH2_SESSION* session_ = nullptr;
    bool handshaken_ = false;
    // Keep-alives, armed once the session is open.
    std::chrono::seconds keepalive_interval_{0};
    unsigned keepalive_count_max_ = 3;
    std::chrono::steady_clock::time_point last_inbound_;
    // When this session last gave the loop its turn (a socket wait or yield_turn).
    std::chrono::steady_clock::time_point last_wait_ = std::chrono::steady_clock::now();
    std::string silent_server_; // set: why the keep-alives ended the session
};

} // namespace asyncfetch::ssh
