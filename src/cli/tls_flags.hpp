// The TLS client flags of the HTTP commands (fetch, crawl, worker): a client
// certificate and key, the key's passphrase from the environment, --tls-min.
#pragma once

#include "options.hpp"

#include "asyncfetch/core/tls_client_options.hpp"

#include <string>

namespace asyncfetch::cli {

// `passphrase_env` holds the variable's name until finish_tls_flags reads it.
void add_tls_flags(CLI::App& cmd, tls_client_options& t, std::string& passphrase_env);
// Reads the passphrase and checks that the certificate and key can be used.
void finish_tls_flags(tls_client_options& t, const std::string& passphrase_env);

} // namespace asyncfetch::cli
