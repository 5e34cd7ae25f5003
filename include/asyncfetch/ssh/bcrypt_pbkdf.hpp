// bcrypt_pbkdf, OpenBSD's key derivation for OpenSSH-format private keys (the
// rounds of `ssh-keygen -a`). libssh2 1.10 has it inside but does not export
// it, and OpenSSL 3.0 does not have it. PBKDF2's shape, with SHA-512 and
// Eksblowfish's "bcrypt hash" as the function iterated, and the output
// bytes spread over the blocks with a stride, so that every byte of the key
// needs all of the work.
#pragma once

#include <span>
#include <string_view>

namespace asyncfetch::ssh {

// OpenBSD's limits: a key of 1 to 1024 bytes, a non-empty password, a salt
// of 1 byte to 1 MiB, rounds >= 1.
inline constexpr std::size_t bcrypt_pbkdf_max_key = 1024;

// Fills `key` from `password` and `salt` (as OpenBSD's bcrypt_pbkdf(3));
// false, with `key` zeroed, when an argument is outside the limits above.
bool bcrypt_pbkdf(std::string_view password, std::string_view salt, unsigned rounds,
                  std::span<unsigned char> key);

} // namespace asyncfetch::ssh
