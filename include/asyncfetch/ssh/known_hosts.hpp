// Host key checking against an OpenSSH known_hosts file, with libssh2_knownhost.
// Loaded once per run; under accept-new an unknown host's key is added in
// memory and appended to the file under an exclusive lock (flock), so that
// many sessions, and many processes, can add hosts at once.
#pragma once

#include "asyncfetch/ssh/hosts.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <string>

struct _LIBSSH2_KNOWNHOSTS;

namespace asyncfetch::ssh {

class known_hosts {
public:
    // A missing file is an empty one (it is created on the first add).
    known_hosts(std::string path, host_key_policy policy);
    ~known_hosts();
    known_hosts(const known_hosts&) = delete;
    known_hosts& operator=(const known_hosts&) = delete;

    // Checks the key the server offered on `s` for host:port. A refusal says
    // which host, and for a changed key both fingerprints.
    ssh_failure check(_LIBSSH2_SESSION* s, const host_spec& host);

    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    host_key_policy policy_;
    _LIBSSH2_SESSION* owner_ = nullptr; // libssh2_knownhost needs a session for its allocator
    _LIBSSH2_KNOWNHOSTS* hosts_ = nullptr;
};

// "SHA256:base64" of a raw public key blob, as ssh-keygen -l prints it.
std::string sha256_fingerprint(const unsigned char* key, std::size_t len);

// The default known_hosts path: $HOME/.ssh/known_hosts.
std::string default_known_hosts();

} // namespace asyncfetch::ssh
