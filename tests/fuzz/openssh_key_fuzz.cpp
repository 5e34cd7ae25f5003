// OpenSSH-format private key files: the container parsed and, when it
// parses, its private section decrypted with a fixed key and IV and written
// out again unencrypted, which must parse back to the same key. The key
// comes not from bcrypt_pbkdf, whose rounds would make every input take
// milliseconds; its inputs (passphrase, salt of at most 1 KiB, rounds) are
// bounded before it runs, and its own vectors are unit tests.
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/openssh_key.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace asyncfetch::ssh;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // Raw container bytes are wrapped as ssh-keygen writes them, so that
    // mutations reach the fields and not only the base64 around them.
    const std::string text =
        input.starts_with("-----BEGIN") ? std::string(input) : openssh_pem(input);
    const auto file = parse_openssh_key_file(text);
    if (!file) return 0;
    const auto key_iv_size = openssh_key_iv_size(file->cipher);
    if (!key_iv_size) return 0;
    std::vector<unsigned char> key_iv(*key_iv_size, 0x5a);
    for (std::size_t i = 0; i < std::min(key_iv.size(), file->salt.size()); ++i)
        key_iv[i] ^= static_cast<unsigned char>(file->salt[i]);
    const auto plain = decrypt_private_section(*file, key_iv);
    if (!plain) return 0;
    const auto pem = unencrypted_openssh_pem(file->public_key, *plain);
    const auto again = parse_openssh_key_file(pem);
    if (!again || again->cipher != "none" || again->public_key != file->public_key ||
        again->private_section != *plain)
        std::abort();
    (void)parse_openssh_ed25519(pem);
    return 0;
}
