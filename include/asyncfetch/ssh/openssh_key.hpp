// openssh-key-v1, the format ssh-keygen writes ("-----BEGIN OPENSSH PRIVATE
// KEY-----", the only one for ed25519 keys), decrypted here so that a run
// pays bcrypt_pbkdf once and not once per host: bcrypt_pbkdf derives the
// cipher's key and IV from the passphrase, OpenSSL's EVP decrypts, and the
// key is written out again unencrypted, in memory only, for libssh2 to load
// (or keys.hpp's ed25519 signer to parse). Every length in the file is
// checked against what remains before it is used.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace asyncfetch::ssh {

// bcrypt rounds above this are refused (ssh-keygen -a: 16 by default, 100
// for the cautious; 10,000 already costs about a minute of CPU).
inline constexpr std::uint32_t openssh_max_rounds = 10'000;

// The container's fields (PROTOCOL.key in OpenSSH's sources).
struct openssh_key_file {
    std::string cipher;          // "none", "aes256-ctr", "aes256-gcm@openssh.com", ...
    std::string kdf;             // "none" or "bcrypt"
    std::string salt;            // bcrypt's, at most 1 KiB
    std::uint32_t rounds = 0;    // bcrypt's, 1 to openssh_max_rounds
    std::string public_key;      // the key's public blob
    std::string private_section; // encrypted unless the cipher is "none"
    std::string tag;             // what follows the section: an AEAD cipher's tag
};

// The container of a key file's text; nullopt unless it is well formed: the
// magic, one key, bcrypt options that fit, nothing left over.
std::optional<openssh_key_file> parse_openssh_key_file(std::string_view text);

// How many bytes bcrypt_pbkdf must give for `cipher` (its key, then its IV);
// nullopt for a cipher not decrypted here: none of those ssh-keygen -Z
// takes (AES CTR, CBC and GCM, 3des-cbc, chacha20-poly1305@openssh.com).
std::optional<std::size_t> openssh_key_iv_size(std::string_view cipher);

// The private section decrypted with `key_iv` and its two check words
// compared; nullopt when the tag or the check words do not match (a wrong
// passphrase) or the lengths do not fit the cipher. The caller wipes it.
std::optional<std::string> decrypt_private_section(const openssh_key_file& file,
                                                   std::span<const unsigned char> key_iv);

// The PEM text ("-----BEGIN OPENSSH PRIVATE KEY-----", base64 in 70-column
// lines) of a container's bytes.
std::string openssh_pem(std::string_view container);

// An unencrypted openssh-key-v1 PEM with this public key and (plain)
// private section.
std::string unencrypted_openssh_pem(std::string_view public_key, std::string_view private_section);

enum class openssh_decryption { decrypted, wrong_passphrase, unsupported, malformed };

struct decrypted_openssh_key {
    openssh_decryption outcome = openssh_decryption::malformed;
    std::string pem; // decrypted: the key, unencrypted; the caller wipes it
};

// A key file's text decrypted with `passphrase`.
decrypted_openssh_key decrypt_openssh_key(std::string_view text, std::string_view passphrase);

} // namespace asyncfetch::ssh
