// OpenBSD's bcrypt_pbkdf (lib/libutil/bcrypt_pbkdf.c) over OpenSSL's SHA-512
// and its Blowfish block function. Eksblowfish's salted key schedule is
// written here (OpenSSL's BF_set_key has only the plain one), starting from
// the pi digits of blowfish_pi.hpp; BF_encrypt, deprecated in OpenSSL 3.0 but
// exported, is the 16-round Blowfish encryption of one block with that state.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "asyncfetch/ssh/bcrypt_pbkdf.hpp"

#include "asyncfetch/ssh/blowfish_pi.hpp"

#include <openssl/blowfish.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>

namespace asyncfetch::ssh {
namespace {

using bytes = std::span<const unsigned char>;
using sha512_digest = std::array<unsigned char, 64>;
constexpr std::size_t hash_size = 32; // one bcrypt hash: 8 words

static_assert(sizeof(BF_KEY::P) / sizeof(BF_LONG) == blowfish_p_words);
static_assert(sizeof(BF_KEY) / sizeof(BF_LONG) == blowfish_state_words);

sha512_digest sha512(std::initializer_list<bytes> parts) {
    sha512_digest out{};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) == 1;
    for (const auto part : parts)
        ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, out.data(), nullptr) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) throw std::bad_alloc(); // SHA-512 fails only when memory does
    return out;
}

// The next 4 bytes of `data` as a big-endian word, wrapping around at its end.
std::uint32_t stream_word(bytes data, std::size_t& position) {
    std::uint32_t word = 0;
    for (int i = 0; i < 4; ++i) {
        word = (word << 8) | data[position];
        position = (position + 1) % data.size();
    }
    return word;
}

// Eksblowfish's expand-state: the key XORed into the P-array, then every P
// and S word replaced, in order, by the encryption of the previous block
// XORed with the next 8 bytes of `salt`. With no salt, Blowfish's own key
// schedule run from the current state.
void expand_state(BF_KEY& state, bytes salt, bytes key) {
    std::size_t position = 0;
    for (auto& word : state.P)
        word ^= stream_word(key, position);
    position = 0;
    BF_LONG block[2] = {0, 0};
    auto refill = [&](BF_LONG* words) {
        if (!salt.empty()) {
            block[0] ^= stream_word(salt, position);
            block[1] ^= stream_word(salt, position);
        }
        BF_encrypt(block, &state);
        words[0] = block[0];
        words[1] = block[1];
    };
    for (std::size_t i = 0; i < blowfish_p_words; i += 2)
        refill(&state.P[i]);
    for (std::size_t i = 0; i < std::size(state.S); i += 2)
        refill(&state.S[i]);
}

// The "bcrypt hash" of the two SHA-512 digests: Eksblowfish keyed with both
// (64 rounds of alternate expansions), then encrypting a fixed text 64 times.
std::array<unsigned char, hash_size> bcrypt_hash(const sha512_digest& password,
                                                 const sha512_digest& salt) {
    BF_KEY state;
    const auto& pi = blowfish_pi_words();
    std::copy(pi.begin(), pi.begin() + blowfish_p_words, std::begin(state.P));
    std::copy(pi.begin() + blowfish_p_words, pi.end(), std::begin(state.S));
    expand_state(state, salt, password);
    for (int i = 0; i < 64; ++i) {
        expand_state(state, {}, salt);
        expand_state(state, {}, password);
    }
    constexpr std::string_view text = "OxychromaticBlowfishSwatDynamite";
    static_assert(text.size() == hash_size);
    std::array<BF_LONG, hash_size / 4> words{};
    std::size_t position = 0;
    for (auto& word : words)
        word = stream_word({reinterpret_cast<const unsigned char*>(text.data()), text.size()},
                           position);
    for (int i = 0; i < 64; ++i)
        for (std::size_t w = 0; w < words.size(); w += 2)
            BF_encrypt(&words[w], &state);
    OPENSSL_cleanse(&state, sizeof state);
    // Each word out little-endian, as OpenBSD writes it.
    std::array<unsigned char, hash_size> out{};
    for (std::size_t w = 0; w < words.size(); ++w)
        for (std::size_t b = 0; b < 4; ++b)
            out[4 * w + b] = static_cast<unsigned char>(words[w] >> (8 * b));
    return out;
}

} // namespace

bool bcrypt_pbkdf(std::string_view password, std::string_view salt, unsigned rounds,
                  std::span<unsigned char> key) {
    std::fill(key.begin(), key.end(), 0);
    if (rounds < 1 || password.empty() || salt.empty() || salt.size() > (1u << 20) || key.empty() ||
        key.size() > bcrypt_pbkdf_max_key)
        return false;
    // Output byte i*stride + (block-1) comes from byte i of that block's hash.
    const std::size_t stride = (key.size() + hash_size - 1) / hash_size;
    std::size_t amount = (key.size() + stride - 1) / stride;
    const bytes salt_bytes(reinterpret_cast<const unsigned char*>(salt.data()), salt.size());
    auto password_digest =
        sha512({{reinterpret_cast<const unsigned char*>(password.data()), password.size()}});

    std::size_t remaining = key.size();
    for (std::uint32_t block = 1; remaining > 0; ++block) {
        const std::array<unsigned char, 4> count = {
            static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
            static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
        auto hash = bcrypt_hash(password_digest, sha512({salt_bytes, count}));
        auto out = hash;
        for (unsigned round = 1; round < rounds; ++round) {
            // Later rounds are salted with the previous round's hash.
            hash = bcrypt_hash(password_digest, sha512({hash}));
            for (std::size_t i = 0; i < out.size(); ++i)
                out[i] ^= hash[i];
        }
        amount = std::min(amount, remaining);
        std::size_t i = 0;
        for (; i < amount; ++i) {
            const std::size_t destination = i * stride + (block - 1);
            if (destination >= key.size()) break;
            key[destination] = out[i];
        }
        remaining -= i;
        OPENSSL_cleanse(hash.data(), hash.size());
        OPENSSL_cleanse(out.data(), out.size());
    }
    OPENSSL_cleanse(password_digest.data(), password_digest.size());
    return true;
}

} // namespace asyncfetch::ssh
