// Blowfish's initial state: the hexadecimal digits of pi's fraction
// (0x243F6A88 0x85A308D3 ...), as 18 P-array words then the four 256-word
// S-boxes. bcrypt_pbkdf needs it because Eksblowfish starts from this state
// and salts the key schedule, which OpenSSL's BF_set_key cannot do (it
// restarts from its own private copy of these words).
#pragma once

#include <array>
#include <cstdint>

namespace asyncfetch::ssh {

inline constexpr std::size_t blowfish_p_words = 18;
inline constexpr std::size_t blowfish_state_words = blowfish_p_words + 4 * 256;

// Computed at first use (a few milliseconds), then kept for the process.
const std::array<std::uint32_t, blowfish_state_words>& blowfish_pi_words();

} // namespace asyncfetch::ssh
