// What a TLS client shows and accepts beyond verifying the server: a client
// certificate with its key (--cert, --key, the key's passphrase from the
// environment) and the lowest protocol version (--tls-min). As curl does,
// the certificate goes to any server that asks for one.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <boost/asio/ssl/context.hpp>

#include <string>
#include <string_view>

namespace asyncfetch {

struct tls_client_options {
    std::string cert_file;      // PEM: the certificate (chain), and the key unless key_file
    std::string key_file;       // PEM private key; empty: in cert_file
    std::string key_passphrase; // secret (--key-passphrase-env): never in argv, logs or records
    int min_version = 0;        // TLS1_2_VERSION or TLS1_3_VERSION; 0: OpenSSL's default (1.2)
};

// "1.2" or "1.3": the OpenSSL version number.
parsed<int> parse_tls_version(std::string_view text);

// Loads the certificate and key into `ctx` and sets its lowest version. The
// problem names the file and what is wrong with it, never the passphrase.
parsed<bool> use_tls_client_options(boost::asio::ssl::context& ctx,
                                    const tls_client_options& options);

// The same on a scratch context: checks the files and the passphrase once,
// when the options are read, so a mistake is exit 2 and not one error
// record per URL.
parsed<bool> check_tls_client_options(const tls_client_options& options);

// core/tls.hpp's client context with these options too; throws when they
// cannot be used (check_tls_client_options said so first).
boost::asio::ssl::context client_tls_context(bool verify, const std::string& ca_file,
                                             const tls_client_options& options);

} // namespace asyncfetch
