// TLS as a client sees it, for HTTPS and rediss:// alike: a context that
// verifies the peer (or, asked to, does not), and a connection that names
// the host it expects.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace asyncfetch {

// Peers are verified against `ca_file`, or when it is empty the system's
// CAs (each read when a chain needs it); `verify` false accepts any
// certificate. Throws if a CA file cannot be read (nothing half set up is
// left behind).
boost::asio::ssl::context client_tls_context(bool verify, const std::string& ca_file);

// Sends `host` in the handshake (SNI, for names) and has the certificate
// checked for it, as an IP address or a DNS name (when verifying).
void expect_host(SSL* ssl, const std::string& host, bool host_is_ip);

} // namespace asyncfetch
