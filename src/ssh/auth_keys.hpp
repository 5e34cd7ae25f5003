// Key files for publickey authentication: which files, where `~` leads,
// how each is offered (a key cached for the run when it can be), and why one
// could not be loaded. Private to auth.cpp.
#pragma once

#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace asyncfetch::ssh {

// ~/.ssh/id_ed25519, id_ecdsa and id_rsa, those that exist ($HOME).
std::vector<std::string> default_identities();

// "~/k" in $HOME (as the default files, and as a shell would), "~user/k" in
// that user's home: for -i given in quotes, in a JSON config or a worker's job.
std::string expand_home(const std::string& path);

// An RSA private key, whatever its file format.
bool is_rsa_key(const std::string& path);

// Why libssh2 could not load a key file, in the user's terms.
std::string why_unloadable(const std::string& path, bool have_passphrase);

// Offers `key` with each user certificate for it: KEY-cert.pub when it
// exists and every CertificateFile (as ssh does). True when one was
// accepted; `tried` gets a line for each that was not.
boost::asio::awaitable<bool> try_certificates(session& s, const std::string& user,
                                              const std::string& key, const auth_options& auth,
                                              std::vector<std::string>& tried);

// Offers one key file to the server: libssh2's return code (0: accepted).
boost::asio::awaitable<long> try_key_file(session& s, const std::string& user,
                                          const std::string& key,
                                          const std::optional<std::string>& passphrase);

} // namespace asyncfetch::ssh
