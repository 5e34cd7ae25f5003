#include "asyncfetch/ssh/known_hosts.hpp"

#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/keys.hpp"

#include <libssh2.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <unistd.h>
#include <vector>

namespace asyncfetch::ssh {
namespace {

int knownhost_key_type(int hostkey_type) {
    switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA:
        return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS:
        return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519:
        return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default:
        return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

// The name known_hosts uses: "host", or "[host]:port" off port 22.
std::string entry_name(const host_spec& h) {
    return h.port == 22 ? h.host : "[" + h.host + "]:" + std::to_string(h.port);
}

std::string fingerprint_of_base64(const char* b64) {
    const auto raw = b64 ? base64_decode(b64) : std::nullopt;
    if (!raw) return "unknown";
    return sha256_fingerprint(reinterpret_cast<const unsigned char*>(raw->data()), raw->size());
}

// Appends one line under an exclusive lock; concurrent writers never interleave.
bool append_locked(const std::string& path, const std::string& line) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = ::flock(fd, LOCK_EX) == 0;
    ok = ok && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return ok;
}

} // namespace

std::string sha256_fingerprint(const unsigned char* key, std::size_t len) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(key, len, digest);
    unsigned char b64[64];
    int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
    while (n > 0 && b64[n - 1] == '=')
        --n; // OpenSSH prints it unpadded
    return "SHA256:" + std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
}

std::string default_known_hosts() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.ssh/known_hosts";
}

known_hosts::known_hosts(std::string path, host_key_policy policy)
    : path_(std::move(path)), policy_(policy) {
    if (path_.empty()) path_ = default_known_hosts();
    owner_ = libssh2_session_init();
    hosts_ = libssh2_knownhost_init(owner_);
    if (std::filesystem::exists(path_))
        libssh2_knownhost_readfile(hosts_, path_.c_str(), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}

known_hosts::~known_hosts() {
    if (hosts_) libssh2_knownhost_free(hosts_);
    if (owner_) libssh2_session_free(owner_);
}

ssh_failure known_hosts::check(LIBSSH2_SESSION* s, const host_spec& host) {
    if (policy_ == host_key_policy::off) return {};
    std::size_t len = 0;
    int type = 0;
    const char* key = libssh2_session_hostkey(s, &len, &type);
    if (!key)
        return {libssh2_error(LIBSSH2_ERROR_HOSTKEY_INIT), "hostkey: the server sent no host key"};
    const auto offered = sha256_fingerprint(reinterpret_cast<const unsigned char*>(key), len);
    const int mask =
        LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | knownhost_key_type(type);
    libssh2_knownhost* found = nullptr;
    const int verdict =
        libssh2_knownhost_checkp(hosts_, host.host.c_str(), host.port, key, len, mask, &found);
    const auto name = entry_name(host);

    switch (verdict) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return {};
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        return {make_error_code(ssh_errc::host_key_changed),
                "hostkey: HOST KEY FOR " + name + " HAS CHANGED: " + path_ + " has " +
                    fingerprint_of_base64(found ? found->key : nullptr) + ", the server offered " +
                    offered +
                    ". Refusing to connect: this may be a man-in-the-middle attack. If the change "
                    "is expected, "
                    "remove the old key with: ssh-keygen -R '" +
                    name + "' -f " + path_};
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        break;
    default:
        return {libssh2_error(LIBSSH2_ERROR_HOSTKEY_INIT),
                "hostkey: cannot check the host key of " + name};
    }

    if (policy_ == host_key_policy::strict) {
        return {make_error_code(ssh_errc::host_key_unknown),
                "hostkey: " + name + " (" + offered + ") is not in " + path_ +
                    " and --host-key-policy is strict"};
    }
    // accept-new: remember it for this run and append it to the file.
    libssh2_knownhost* added = nullptr;
    const std::string comment = "added by asyncfetch";
    if (libssh2_knownhost_addc(hosts_, name.c_str(), nullptr, key, len, comment.c_str(),
                               comment.size(), mask, &added) != 0) {
        return {libssh2_error(LIBSSH2_ERROR_HOSTKEY_INIT),
                "hostkey: cannot record the key of " + name};
    }
    char line[8192];
    std::size_t line_len = 0;
    if (libssh2_knownhost_writeline(hosts_, added, line, sizeof line, &line_len,
                                    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0 ||
        !append_locked(path_, std::string(line, line_len))) {
        return {libssh2_error(LIBSSH2_ERROR_FILE), "hostkey: cannot add " + name + " to " + path_};
    }
    return {};
}

} // namespace asyncfetch::ssh
