// A real OpenSSH sshd on loopback for the SSH tests: its own config, host
// keys and client keys in a temp dir, and a test user with an empty home and
// a real password hash (a '!' in shadow locks the user even for keys).
#pragma once

#include "tools/tls_files.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace asyncfetch::testing {

class sshd_server {
public:
    // Why sshd cannot run here (not root, no sshd), or empty when it can.
    static std::string unavailable_reason();

    // Listens on each address (e.g. 127.0.0.1, 127.0.0.2) on one free port.
    // With sftp_dir_per_address, sessions through each address run only SFTP,
    // starting in sftp_dir(address). With ecdsa_host_key the server has an
    // ECDSA host key besides its ed25519 one (libssh2 asks for ECDSA first).
    // With a pam_service, users log in by keyboard-interactive through that
    // PAM service (/etc/pam.d/NAME; "sshd" is the system's), not by password.
    // With etc_hosts, sshd runs in its own mount namespace with that text as
    // /etc/hosts (names only it resolves: a target reachable only through it).
    // log_level: sshd's LogLevel (e.g. "DEBUG1" shows direct-tcpip requests).
    // commands_in_dirs (with sftp_dir_per_address): commands run too (rsync,
    // sha256sum), started in that directory, and SFTP is sftp-server there.
    explicit sshd_server(std::vector<std::string> addresses = {"127.0.0.1"},
                         bool sftp_dir_per_address = false, bool ecdsa_host_key = false,
                         const std::string& pam_service = "", const std::string& etc_hosts = "",
                         const std::string& log_level = "", bool commands_in_dirs = false);
    ~sshd_server();
    sshd_server(const sshd_server&) = delete;
    sshd_server& operator=(const sshd_server&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    pid_t pid() const noexcept { return pid_; } // the listener
    static const char* user() { return "asyncfetch-test"; }
    static const char* password() { return "af-test-password-1"; }
    static std::string home() { return "/var/lib/asyncfetch-test"; }
    std::string ed25519_key() const { return dir_.file("id_ed25519"); } // authorized
    std::string encrypted_key() const {
        return dir_.file("id_encrypted");
    } // authorized, passphrase below
    static const char* key_passphrase() { return "af-key-passphrase"; }
    std::string rsa_key() const { return dir_.file("id_rsa"); } // authorized
    // Encrypted ECDSA keys OpenSSL reads (PEM "EC PRIVATE KEY", PKCS#8), authorized.
    std::string encrypted_pem_key() const { return dir_.file("id_pem_encrypted"); }
    std::string encrypted_pkcs8_key() const { return dir_.file("id_pkcs8_encrypted"); }
    std::string stranger_key() const { return dir_.file("id_stranger"); } // not authorized
    // The CA the server trusts for user certificates (ssh-keygen -s user_ca()).
    std::string user_ca() const { return dir_.file("user_ca"); }
    // "host key-type base64" lines as known_hosts wants them, for `host`.
    std::string known_hosts_line(const std::string& host) const;
    // "key-type base64" of a host key: "ed25519", or "ecdsa" (ecdsa_host_key).
    std::string host_public_key(const std::string& type = "ed25519") const;
    const temp_dir& dir() const noexcept { return dir_; }
    std::string log() const; // what sshd logged (LogLevel VERBOSE with a pam_service)
    // A directory in the test user's home, owned by the user, removed with the server.
    std::string remote_scratch() const { return scratch_; }
    std::string sftp_dir(const std::string& address) const { return scratch_ + "/sftp-" + address; }
    void kill_now(); // SIGKILL the daemon (and its session children)
    // Stops (SIGSTOP) or resumes every session process, not the listener: a
    // host that went silent with its connections open.
    void freeze_sessions(bool frozen);

private:
    temp_dir dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
    std::string scratch_;
};

// An ssh-agent holding the test key; SSH_AUTH_SOCK value in socket().
class ssh_agent {
public:
    explicit ssh_agent(const std::string& key);
    ~ssh_agent();
    const std::string& socket() const noexcept { return socket_; }

private:
    temp_dir dir_;
    std::string socket_;
    pid_t pid_ = -1;
};

// True (and says why, as a doctest message) when sshd cannot run here: SSH
// tests then return early. CI runs as root, where they always run.
bool sshd_unavailable(); // in sshd_skip.cpp, apart from the fixture (which runs without doctest)

} // namespace asyncfetch::testing
