// A new connection to an origin: resolve on the loop's resolver, connect
// (Happy Eyeballs), then the TLS handshake, each within its phase budget.
// Instantiates the TLS stream's handshake: keep such code in few files (each
// Beast/SSL translation unit costs ~20 s and ~1.3 GB to compile).
#include "asyncfetch/core/use_tuple.hpp"
#include "client_impl.hpp"

#include "asyncfetch/core/connect.hpp"
#include "asyncfetch/core/timeout.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/x509v3.h>

#include <optional>
#include <tuple>

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace asyncfetch::http {
namespace {

using detail::fail;
using detail::failure;
// The phase's own timeout code, or request_timeout when the request's
// deadline cut the phase short. (budget() reads a zero phase limit as none:
// the CLI and the config refuse zero timeouts, so every phase has its own.)
error_code timeout_code(const phase_budget& b, errc phase_timeout) {
    return make_error_code(b.deadline_bound ? errc::request_timeout : phase_timeout);
}

// A connect failure for the record. Running out of descriptors names the
// limit: it is this URL's failure, not a cancel.
bool out_of_descriptors(const error_code& ec) {
    return ec == boost::system::errc::too_many_files_open ||
           ec == boost::system::errc::too_many_files_open_in_system;
}

failure connect_failure(const std::string& where, const error_code& ec) {
    if (ec == boost::system::errc::too_many_files_open) {
        return {ec, true,
                "connect " + where +
                    ": too many open files (the process's limit, ulimit -n: "
                    "raise it or lower -c)"};
    }
    if (ec == boost::system::errc::too_many_files_open_in_system)
        return {ec, true, "connect " + where + ": too many open files (the system's limit)"};
    return fail("connect " + where, ec, true);
}

std::string tls_failure_reason(SSL* ssl, const error_code& ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    return ec.message();
}

} // namespace

asio::awaitable<failure> client::impl::resolve(const http_url& url, clock_type::time_point deadline,
                                               std::vector<tcp::endpoint>& endpoints) {
    if (url.host_is_ip) {
        endpoints = {tcp::endpoint(asio::ip::make_address(url.host), url.port)};
        co_return failure{};
    }
    // The loop's resolver: cached while the TTL lasts, one query per name
    // however many requests ask, its timeout counted from when it is sent.
    const auto b = budget(options.limits.resolve, deadline);
    auto found = co_await resolver->resolve(url.host, dns::family::any, b.limit);
    if (found.queried) ++stats.dns_lookups;
    if (found.ec == errc::resolve_timeout)
        co_return fail("resolve " + url.host, timeout_code(b, errc::resolve_timeout));
    if (found.ec) co_return fail("resolve " + url.host, found.ec);
    for (const auto& address : found.addresses)
        endpoints.emplace_back(address, url.port);
    co_return failure{};
}

asio::awaitable<std::optional<connect_result>>
client::impl::connect_direct(const tcp::endpoint& at, const phase_budget& b,
                             const socket_opener& open) {
    connect_result out;
    tcp::socket socket(ex);
    if ((out.ec = open(socket, at))) co_return out;
    error_code ec;
    {
        // Its deadline cancels the connect; a cancel without it is the caller's.
        std::optional<detail::deadline_watch::entry> watched;
        if (!b.unlimited()) watched.emplace(connect_deadlines, socket, clock_type::now() + b.limit);
        std::tie(ec) = co_await socket.async_connect(at, use_tuple);
        if (ec == asio::error::operation_aborted && watched && watched->expired())
            co_return std::nullopt;
    }
    if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
    if (ec) {
        out.ec = ec;
        co_return out;
    }
    out.endpoint = at;
    out.socket.emplace(std::move(socket));
    co_return out;
}

asio::awaitable<failure> client::impl::open_connection(const http_url& url,
                                                       clock_type::time_point deadline,
                                                       std::unique_ptr<connection>& conn, bool h2) {
    // Through a proxy, the TCP connection is the proxy's.
    const proxy* via = proxy_for(options.proxies, url);
    http_url peer = url;
    if (via) {
        peer.host = via->host;
        peer.host_is_ip = via->host_is_ip;
        peer.port = via->port;
        peer.host_header = via->name;
    }

    // Resolve the host name (cached for the run).
    std::vector<tcp::endpoint> endpoints;
    if (auto failed = co_await resolve(peer, deadline, endpoints)) co_return failed;

    // Connect: the addresses raced by Happy Eyeballs (RFC 8305), the first to
    // answer wins. Each attempt's socket is opened here, so running out of
    // descriptors is seen as that, and idle keep-alive connections (to any
    // origin) give theirs back first: -c was fitted to the limit, the idle
    // pool was not.
    conn = url.tls ? std::make_unique<connection>(ex, tls_context())
                   : std::make_unique<connection>(ex);
    auto& tcp_stream = conn->tcp();
    const auto connect_budget = budget(options.limits.connect, deadline);
    const std::string where = via ? "proxy " + via->name : url.host_header;
    auto open = [this](tcp::socket& socket, const tcp::endpoint& endpoint) {
        error_code ec;
        socket.open(endpoint.protocol(), ec);
        while (out_of_descriptors(ec) && close_one_idle())
            socket.open(endpoint.protocol(), ec);
        return ec;
    };
    // One address (an IP literal, or a name with one): connected directly,
    // its limit kept by the connect watch. Happy Eyeballs' race, its timer
    // and with_timeout's `||` cost ~8 KB of frames a connection while it
    // connects, which is what thousands of connects at once would hold.
    // (Not `?:` between two co_awaits: GCC 12 destroys the chosen result.)
    std::optional<connect_result> raced;
    if (endpoints.size() == 1)
        raced = co_await connect_direct(endpoints.front(), connect_budget, open);
    else
        raced = co_await with_timeout(happy_eyeballs_connect(std::move(endpoints), open),
                                      connect_budget.limit);
    if (!raced)
        co_return fail("connect " + where, timeout_code(connect_budget, errc::connect_timeout),
                       true);
    if (raced->ec) co_return connect_failure(where, raced->ec);
    tcp_stream.socket() = std::move(*raced->socket);
    ++stats.connections_opened;
    // Small requests must not wait for Nagle / delayed ACKs.
    error_code ignored;
    tcp_stream.socket().set_option(tcp::no_delay(true), ignored);

    // Through the proxy to the target: a tunnel (CONNECT, SOCKS5), or, for
    // an http URL via an http proxy, requests in absolute form.
    if (via && via->type == proxy::kind::http && !url.tls) {
        conn->via_http_proxy = true;
        conn->proxy_authorization = via->authorization;
    } else if (via && via->type == proxy::kind::http) {
        if (auto failed = co_await connect_tunnel(*conn, url, *via, deadline)) co_return failed;
    } else if (via) {
        // socks5://: the name is resolved here, socks5h:// by the proxy.
        std::optional<asio::ip::address> address;
        if (url.host_is_ip || via->type == proxy::kind::socks5) {
            std::vector<tcp::endpoint> target;
            if (auto failed = co_await resolve(url, deadline, target)) co_return failed;
            // One address goes to the proxy: IPv4 first (a proxy may have no IPv6).
            for (const auto& ep : target)
                if (!address || (ep.address().is_v4() && !address->is_v4())) address = ep.address();
        }
        const asio::ip::address* given = address ? &*address : nullptr;
        auto tunnel = co_await socks5_connect(*conn, url, *via, given, deadline);
        if (tunnel) co_return tunnel;
    }
    conn->speaks_h2 = h2 && !url.tls; // http:// over HTTP/2 only with prior knowledge
    if (!url.tls) co_return failure{};

    // TLS handshake: SNI for names, certificate and host name checked by OpenSSL.
    auto& tls_stream = std::get<1>(conn->stream);
    SSL* ssl = tls_stream.native_handle();
    expect_host(ssl, url.host, url.host_is_ip);
    // ALPN (RFC 7301): h2 first, http/1.1 as the fallback unless --http2.
    const bool h2_only = options.version == http_version::http2;
    const std::string_view protocols =
        h2_only ? std::string_view("\x02h2") : std::string_view("\x02h2\x08http/1.1");
    if (h2)
        SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(protocols.data()),
                            static_cast<unsigned>(protocols.size()));
    const auto tls_budget = budget(options.limits.tls, deadline);
    tcp_stream.expires_after(tls_budget.limit);
    auto [hs_ec] = co_await tls_stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hs_ec == beast::error::timeout)
        co_return fail("tls " + url.host_header, timeout_code(tls_budget, errc::tls_timeout));
    if (hs_ec)
        co_return failure{hs_ec, false,
                          "tls " + url.host_header + ": " + tls_failure_reason(ssl, hs_ec)};
    const unsigned char* chosen = nullptr;
    unsigned chosen_size = 0;
    SSL_get0_alpn_selected(ssl, &chosen, &chosen_size);
    conn->speaks_h2 =
        h2 && std::string_view(reinterpret_cast<const char*>(chosen), chosen_size) == "h2";
    if (h2 && h2_only && !conn->speaks_h2)
        co_return failure{make_error_code(errc::unasked_response), false,
                          "tls " + url.host_header +
                              ": the server does not offer HTTP/2 (ALPN), which --http2 asks for"};
    co_return failure{};
}

} // namespace asyncfetch::http
