// The URLs a crawl has seen, kept as 64-bit keyed hashes of the normalised
// URL in one flat open-addressing table: 8 bytes a slot, at most 3/4 full,
// so 10.7 to 21.3 bytes a URL (16.8 at 1,000,000 URLs) where a set of
// strings costs about 124.
//
// A hash match is taken as "seen", so two URLs whose hashes collide would
// lose the second one. With n URLs in the set the chance that any new URL
// collides with one of them is at most n^2 / 2^65: 2.7e-8 at one million
// URLs, 2.7e-2 at a billion (the largest --max-pages). The hash is
// OpenSSL's SipHash-2-4, keyed with 128 random bits per process, so a site cannot craft URLs that
// collide to hide pages; a resumed crawl rebuilds the set from the URLs in
// its --state, so the key need not survive the process.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

struct evp_mac_ctx_st; // OpenSSL's EVP_MAC_CTX

namespace asyncfetch::crawl {

// SipHash-2-4 (Aumasson and Bernstein), a 64-bit keyed hash, from OpenSSL:
// the key's words and the result little-endian, as the reference reads them.
// One context keeps the key; each hash re-initialises it (~0.3 us a URL).
class siphash24 {
public:
    explicit siphash24(const std::array<std::uint64_t, 2>& key);
    std::uint64_t operator()(std::string_view bytes) const;

private:
    struct free_context {
        void operator()(evp_mac_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_mac_ctx_st, free_context> ctx_;
};

class seen_set {
public:
    // A random key (OpenSSL's RAND_bytes).
    seen_set();
    explicit seen_set(const std::array<std::uint64_t, 2>& key) : hash_(key) {}

    // True if `url` was not in the set (it is now).
    bool insert(std::string_view url);
    bool contains(std::string_view url) const;

    std::size_t size() const noexcept { return size_; }
    // Bytes the table holds (slots times 8).
    std::size_t memory() const noexcept { return slots_.size() * sizeof(std::uint64_t); }

private:
    std::uint64_t hash(std::string_view url) const;
    bool insert_hash(std::uint64_t h);
    void grow();

    siphash24 hash_;
    std::vector<std::uint64_t> slots_; // 0: empty; a size of a power of two
    std::size_t size_ = 0;
};

} // namespace asyncfetch::crawl
