// Private keys loaded once per run. libssh2 1.10 re-reads and re-parses a key
// file for every session (OpenSSL 3 builds a decoder context on each try:
// over half of a session's client CPU). An unencrypted ed25519 key in
// OpenSSH's format, the kind `ssh-keygen -t ed25519` writes, is parsed here
// once and signs through libssh2's callback; other keys use libssh2's loader.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::ssh {

// How a private key file is encrypted, from its text.
enum class key_encryption {
    none,
    pem,     // traditional PEM: "Proc-Type: 4,ENCRYPTED" (OpenSSL reads it)
    pkcs8,   // "ENCRYPTED PRIVATE KEY" (OpenSSL reads it)
    openssh, // "OPENSSH PRIVATE KEY" with a cipher (openssh_key.hpp decrypts it)
};
key_encryption encryption_of(std::string_view key_text);

// A key file's text (at most 64 KiB: no key is larger); empty if unreadable.
std::string read_key_file(const std::string& path);

class ed25519_signer;

// An encrypted key file as decrypted_keys.cpp keeps it for the run.
struct decrypted_key {
    key_encryption format = key_encryption::none;
    // The key unencrypted, in memory only (wiped when released): a PKCS#8 PEM
    // for pem and pkcs8, an openssh-key-v1 PEM for openssh; nullptr when the
    // passphrase does not decrypt it, or the key is left to libssh2.
    std::shared_ptr<const std::string> pem;
    // openssh only: a cipher not decrypted here (none ssh-keygen writes): libssh2
    // reads and decrypts the file for every session.
    bool left_to_libssh2 = false;
    // openssh ed25519 keys: the decrypted key ready to sign through libssh2's
    // callback, as an unencrypted one is (libssh2 would parse `pem` again for
    // every session).
    std::shared_ptr<const ed25519_signer> signer;
};

// The key file at `path` read, and when it is an encrypted PEM or PKCS#8 key
// (by OpenSSL) or an encrypted OpenSSH-format key (openssh_key.hpp),
// decrypted with `passphrase`: once per run, whatever the outcome.
decrypted_key cached_decrypted_key(const std::string& path, const std::string& passphrase);

// Standard base64 (line breaks and blanks ignored); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

struct ed25519_key {
    std::string public_blob;            // string "ssh-ed25519", string key: as sent to the server
    std::array<unsigned char, 32> seed; // the private key
};

// Parses the text of an "OPENSSH PRIVATE KEY" file; nullopt unless it holds
// one unencrypted ed25519 key.
std::optional<ed25519_key> parse_openssh_ed25519(std::string_view file_text);

// A parsed key ready to sign (OpenSSL EVP_PKEY inside).
class ed25519_signer {
public:
    explicit ed25519_signer(const ed25519_key& key);
    ~ed25519_signer();
    ed25519_signer(const ed25519_signer&) = delete;
    ed25519_signer& operator=(const ed25519_signer&) = delete;
    const std::string& public_blob() const noexcept { return blob_; }
    // The 64-byte signature of `data`; empty on failure.
    std::string sign(std::string_view data) const;

private:
    std::string blob_;
    void* pkey_ = nullptr; // EVP_PKEY*
};

// The signer for a key file, loaded on first use and kept for the run;
// nullptr when the file is not an unencrypted OpenSSH ed25519 key.
std::shared_ptr<const ed25519_signer> cached_ed25519_signer(const std::string& path);

} // namespace asyncfetch::ssh
