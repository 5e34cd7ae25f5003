// libssh2's return codes as a std::error_code category, plus asyncfetch's
// own SSH failures (host key refused, no usable auth method, timeouts).
#pragma once

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>

namespace asyncfetch::ssh {

enum class ssh_errc {
    host_key_unknown = 1, // strict policy, host not in known_hosts
    host_key_changed,     // known_hosts has another key: refused
    auth_failed,          // every method was tried and refused
    connect_timeout,
    handshake_timeout,
    auth_timeout,
    command_timeout,
    transfer_failed,    // an SFTP operation failed (message says which)
    unsafe_remote_name, // a remote file name that would escape the local directory
    host_key_revoked,   // known_hosts marks the offered key @revoked: refused
    resolve_timeout,    // the host name did not resolve in time
};

const boost::system::error_category& ssh_category() noexcept;
const boost::system::error_category& libssh2_category() noexcept;

// libssh2's last error (its code and message) in words for a record: plain
// words where libssh2's are obscure ("Failed getting banner"), never a bare code.
std::string libssh2_text(int code, std::string_view message);

inline boost::system::error_code make_error_code(ssh_errc e) noexcept {
    return {static_cast<int>(e), ssh_category()};
}
inline boost::system::error_code libssh2_error(int rc) noexcept {
    return {rc, libssh2_category()};
}

} // namespace asyncfetch::ssh

template <>
struct boost::system::is_error_code_enum<asyncfetch::ssh::ssh_errc> : std::true_type {};
