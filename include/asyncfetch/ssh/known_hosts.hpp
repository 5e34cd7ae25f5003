// Host key checking as OpenSSH does it: the user's known_hosts file and the
// global ones (/etc/ssh/ssh_known_hosts, never written) are read once per
// run; the rules themselves live in known_hosts_rules.hpp. Under accept-new
// an unknown host's key is added in memory and appended to the user's file
// under an exclusive lock (flock), so that many sessions, and many
// processes, can add hosts at once.
#pragma once

#include "asyncfetch/ssh/hosts.hpp"
#include "asyncfetch/ssh/known_hosts_rules.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <string>
#include <vector>

namespace asyncfetch::ssh {

class known_hosts {
public:
    // A missing file is an empty one (the user's is created on the first add).
    known_hosts(std::string path, std::vector<std::string> global_paths, host_key_policy policy);
    // The user's file and the default global files.
    known_hosts(std::string path, host_key_policy policy);

    // The host-key methods to ask `host` for: the types known for it first,
    // as OpenSSH orders them, so that the key it offers is one we can check.
    std::string hostkey_preference(const host_spec& host) const;

    // Checks the key the server offered on `s` for host:port. A refusal says
    // which host, which line decided, and for a changed key both fingerprints.
    ssh_failure check(_LIBSSH2_SESSION* s, const host_spec& host);

    const std::string& path() const noexcept { return path_; }

private:
    void read(const std::string& file);
    ssh_failure add(const host_spec& host, const std::string& key);

    std::string path_;
    host_key_policy policy_;
    std::vector<known_host_line> lines_;
    std::vector<std::string> files_read_; // for "not in ..." messages
    std::string overlong_line_;           // "FILE:LINE" of a line too long to read, if any
};

// "SHA256:base64" of a raw public key blob, as ssh-keygen -l prints it.
std::string sha256_fingerprint(const unsigned char* key, std::size_t len);

// The default known_hosts path: $HOME/.ssh/known_hosts.
std::string default_known_hosts();

} // namespace asyncfetch::ssh
