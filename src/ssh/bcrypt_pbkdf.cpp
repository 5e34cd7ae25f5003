// OpenBSD's bcrypt_pbkdf (lib/libutil/bcrypt_pbkdf.c) over OpenSSL's SHA-512,
// with Eksblowfish written here: OpenSSL's BF_set_key has only Blowfish's
// plain key schedule, and its BF_encrypt, one block of one state a call,
// cannot run the independent output blocks' chains side by side. Run two at
// a time here, a 48-byte key (aes256-ctr's key and IV: two blocks) costs
// 0.10 s of CPU at 16 rounds instead of 0.16 s with BF_encrypt (ssh-keygen:
// 0.15 s). The unit tests hold it to OpenBSD's vectors and pyca/bcrypt's.
#include "asyncfetch/ssh/bcrypt_pbkdf.hpp"

#include "asyncfetch/ssh/blowfish_pi.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <new>

namespace asyncfetch::ssh {
namespace {

using bytes = std::span<const unsigned char>;
using sha512_digest = std::array<unsigned char, 64>;
constexpr std::size_t hash_size = 32; // one bcrypt hash: 8 words
using bcrypt_output = std::array<unsigned char, hash_size>;

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

// Blowfish's state: the 18 P-array words, then the four 256-word S-boxes.
using blowfish_state = std::array<std::uint32_t, blowfish_state_words>;

inline std::uint32_t feistel(const blowfish_state& k, std::uint32_t x) {
    constexpr std::size_t s = blowfish_p_words;
    return ((k[s + (x >> 24)] + k[s + 256 + ((x >> 16) & 0xff)]) ^ k[s + 512 + ((x >> 8) & 0xff)]) +
           k[s + 768 + (x & 0xff)];
}

// Blowfish's 16-round encryption of one block (l, r) in each of N states at
// once: N independent chains of table look-ups that the CPU overlaps.
template <std::size_t N>
void encrypt(const std::array<blowfish_state, N>& states, std::array<std::uint32_t, N>& l,
             std::array<std::uint32_t, N>& r) {
    for (std::size_t n = 0; n < N; ++n)
        l[n] ^= states[n][0];
    for (std::size_t i = 1; i <= 16; i += 2) {
        for (std::size_t n = 0; n < N; ++n)
            r[n] ^= feistel(states[n], l[n]) ^ states[n][i];
        for (std::size_t n = 0; n < N; ++n)
            l[n] ^= feistel(states[n], r[n]) ^ states[n][i + 1];
    }
    for (std::size_t n = 0; n < N; ++n) {
        r[n] ^= states[n][17];
        std::swap(l[n], r[n]);
    }
}

// Eksblowfish's expand-state, in each state with its own key and salt: the
// key XORed into the P-array, then every P and S word replaced, in order, by
// the encryption of the previous block XORed with the next 8 bytes of the
// salt. With no salt, Blowfish's own key schedule run from the current state.
template <std::size_t N>
void expand_state(std::array<blowfish_state, N>& states, const std::array<bytes, N>& salts,
                  const std::array<bytes, N>& keys) {
    for (std::size_t n = 0; n < N; ++n) {
        std::size_t position = 0;
        for (std::size_t i = 0; i < blowfish_p_words; ++i)
            states[n][i] ^= stream_word(keys[n], position);
    }
    std::array<std::size_t, N> positions{};
    std::array<std::uint32_t, N> l{}, r{};
    for (std::size_t i = 0; i < blowfish_state_words; i += 2) {
        for (std::size_t n = 0; n < N && !salts[n].empty(); ++n) {
            l[n] ^= stream_word(salts[n], positions[n]);
            r[n] ^= stream_word(salts[n], positions[n]);
        }
        encrypt(states, l, r);
        for (std::size_t n = 0; n < N; ++n) {
            states[n][i] = l[n];
            states[n][i + 1] = r[n];
        }
    }
}

// The "bcrypt hash" of the password's digest with each of N salt digests:
// Eksblowfish keyed with both (then 64 rounds of alternate expansions),
// encrypting a fixed text 64 times.
template <std::size_t N>
std::array<bcrypt_output, N> bcrypt_hash(const sha512_digest& password,
                                         const std::array<sha512_digest, N>& salts) {
    std::array<blowfish_state, N> states;
    std::array<bytes, N> salt_bytes, password_bytes, none{};
    for (std::size_t n = 0; n < N; ++n) {
        states[n] = blowfish_pi_words();
        salt_bytes[n] = salts[n];
        password_bytes[n] = password;
    }
    expand_state(states, salt_bytes, password_bytes);
    for (int i = 0; i < 64; ++i) {
        expand_state(states, none, salt_bytes);
        expand_state(states, none, password_bytes);
    }
    constexpr std::string_view text = "OxychromaticBlowfishSwatDynamite";
    static_assert(text.size() == hash_size);
    std::array<std::array<std::uint32_t, N>, hash_size / 4> words{};
    std::size_t position = 0;
    for (auto& word : words)
        word.fill(stream_word({reinterpret_cast<const unsigned char*>(text.data()), text.size()},
                              position));
    for (int i = 0; i < 64; ++i)
        for (std::size_t w = 0; w < words.size(); w += 2)
            encrypt(states, words[w], words[w + 1]);
    OPENSSL_cleanse(states.data(), sizeof states);
    // Each word out little-endian, as OpenBSD writes it.
    std::array<bcrypt_output, N> out{};
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t w = 0; w < words.size(); ++w)
            for (std::size_t b = 0; b < 4; ++b)
                out[n][4 * w + b] = static_cast<unsigned char>(words[w][n] >> (8 * b));
    return out;
}

// bcrypt_pbkdf's output blocks `first`..`first`+N-1 (from 1): each the XOR of
// `rounds` chained bcrypt hashes, salted first with the salt and the block's
// number, then with the previous hash.
template <std::size_t N>
std::array<bcrypt_output, N> output_blocks(const sha512_digest& password, bytes salt,
                                           unsigned rounds, std::uint32_t first) {
    std::array<sha512_digest, N> salts;
    for (std::size_t n = 0; n < N; ++n) {
        const std::uint32_t block = first + static_cast<std::uint32_t>(n);
        const std::array<unsigned char, 4> count = {
            static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
            static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
        salts[n] = sha512({salt, count});
    }
    auto hashes = bcrypt_hash(password, salts);
    auto out = hashes;
    for (unsigned round = 1; round < rounds; ++round) {
        for (std::size_t n = 0; n < N; ++n)
            salts[n] = sha512({hashes[n]});
        hashes = bcrypt_hash(password, salts);
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t i = 0; i < hash_size; ++i)
                out[n][i] ^= hashes[n][i];
    }
    OPENSSL_cleanse(hashes.data(), sizeof hashes);
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

    // The `stride` blocks, two at a time, then OpenBSD's loop placing them.
    std::array<bcrypt_output, bcrypt_pbkdf_max_key / hash_size> blocks{};
    for (std::uint32_t b = 0; b < stride; b += 2) {
        if (b + 1 < stride) {
            const auto two = output_blocks<2>(password_digest, salt_bytes, rounds, b + 1);
            blocks[b] = two[0];
            blocks[b + 1] = two[1];
        } else {
            blocks[b] = output_blocks<1>(password_digest, salt_bytes, rounds, b + 1)[0];
        }
    }
    std::size_t remaining = key.size();
    for (std::uint32_t block = 1; remaining > 0 && block <= stride; ++block) {
        amount = std::min(amount, remaining);
        std::size_t i = 0;
        for (; i < amount; ++i) {
            const std::size_t destination = i * stride + (block - 1);
            if (destination >= key.size()) break;
            key[destination] = blocks[block - 1][i];
        }
        remaining -= i;
    }
    OPENSSL_cleanse(blocks.data(), sizeof blocks);
    OPENSSL_cleanse(password_digest.data(), password_digest.size());
    return true;
}

} // namespace asyncfetch::ssh
