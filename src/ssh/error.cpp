#include "asyncfetch/ssh/error.hpp"

#include <libssh2.h>
#include <libssh2_sftp.h>

#include <string>

namespace asyncfetch::ssh {
namespace {

class ssh_cat final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "asyncfetch.ssh"; }
    std::string message(int ev) const override {
        switch (static_cast<ssh_errc>(ev)) {
        case ssh_errc::host_key_unknown:
            return "host key not in known_hosts (--host-key-policy strict)";
        case ssh_errc::host_key_changed:
            return "HOST KEY CHANGED";
        case ssh_errc::auth_failed:
            return "authentication failed";
        case ssh_errc::connect_timeout:
            return "timed out connecting";
        case ssh_errc::handshake_timeout:
            return "timed out in the SSH handshake";
        case ssh_errc::auth_timeout:
            return "timed out authenticating";
        case ssh_errc::command_timeout:
            return "command timed out";
        case ssh_errc::transfer_failed:
            return "transfer failed";
        case ssh_errc::unsafe_remote_name:
            return "unsafe remote file name";
        case ssh_errc::host_key_revoked:
            return "HOST KEY REVOKED";
        case ssh_errc::resolve_timeout:
            return "timed out resolving the host name";
        }
        return "unknown SSH error";
    }
};

class libssh2_cat final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "libssh2"; }
    std::string message(int ev) const override {
        switch (ev) {
        case LIBSSH2_ERROR_SOCKET_DISCONNECT:
            return "connection closed by the server";
        case LIBSSH2_ERROR_SOCKET_SEND:
            return "cannot send on the socket";
        case LIBSSH2_ERROR_SOCKET_RECV:
            return "cannot read from the socket";
        case LIBSSH2_ERROR_KEX_FAILURE:
            return "key exchange failed";
        case LIBSSH2_ERROR_HOSTKEY_INIT:
            return "host key initialisation failed";
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED:
            return "authentication failed";
        case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
            return "public key not verified";
        case LIBSSH2_ERROR_FILE:
            return "cannot read the key file";
        case LIBSSH2_ERROR_CHANNEL_FAILURE:
            return "channel failure";
        case LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED:
            return "channel request denied";
        case LIBSSH2_ERROR_CHANNEL_CLOSED:
            return "channel closed";
        case LIBSSH2_ERROR_SFTP_PROTOCOL:
            return "SFTP error";
        case LIBSSH2_ERROR_TIMEOUT:
            return "timeout";
        case LIBSSH2_ERROR_EAGAIN:
            return "would block";
        case LIBSSH2_ERROR_BANNER_RECV:
            return "no SSH banner received";
        case LIBSSH2_ERROR_PROTO:
            return "SSH protocol error";
        case LIBSSH2_ERROR_METHOD_NONE:
            return "no algorithm in common with the server";
        case LIBSSH2_ERROR_ALLOC:
            return "out of memory";
        case LIBSSH2_ERROR_INVAL:
            return "invalid argument";
        case LIBSSH2_ERROR_BAD_USE:
            return "libssh2 called out of order";
        }
        return "libssh2 error " + std::to_string(ev);
    }
};

} // namespace

std::string libssh2_text(int code, std::string_view message) {
    // The handshake reads the server's banner first: a peer that closes (or
    // resets) the connection then is not an SSH server willing to talk.
    if (message == "Failed getting banner" || code == LIBSSH2_ERROR_BANNER_RECV)
        return "the server closed the connection before SSH began";
    const auto meaning = libssh2_category().message(code);
    if (message.empty()) return meaning;
    // libssh2's own words, with the code's meaning when it is known.
    if (meaning.rfind("libssh2 error ", 0) == 0 || meaning == message) return std::string(message);
    return std::string(message) + " (" + meaning + ")";
}

const boost::system::error_category& ssh_category() noexcept {
    static const ssh_cat c;
    return c;
}

const boost::system::error_category& libssh2_category() noexcept {
    static const libssh2_cat c;
    return c;
}

} // namespace asyncfetch::ssh
