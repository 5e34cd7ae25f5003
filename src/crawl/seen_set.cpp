#include "asyncfetch/crawl/seen_set.hpp"

#include <cstring>
#include <random>

namespace asyncfetch::crawl {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) {
    return (x << b) | (x >> (64 - b));
}

struct sip_state {
    std::uint64_t v0, v1, v2, v3;

    void round() {
        v0 += v1, v1 = rotl(v1, 13), v1 ^= v0, v0 = rotl(v0, 32);
        v2 += v3, v3 = rotl(v3, 16), v3 ^= v2;
        v0 += v3, v3 = rotl(v3, 21), v3 ^= v0;
        v2 += v1, v1 = rotl(v1, 17), v1 ^= v2, v2 = rotl(v2, 32);
    }
    void absorb(std::uint64_t m) {
        v3 ^= m;
        round(), round();
        v0 ^= m;
    }
};

// Little-endian, as the SipHash reference reads its message words.
std::uint64_t word_at(const unsigned char* p, std::size_t n) {
    std::uint64_t m = 0;
    for (std::size_t i = 0; i < n; ++i)
        m |= std::uint64_t(p[i]) << (8 * i);
    return m;
}

constexpr std::size_t min_slots = 1024;

} // namespace

std::uint64_t siphash24(std::string_view bytes, const std::array<std::uint64_t, 2>& key) {
    sip_state s{key[0] ^ 0x736f6d6570736575ULL, key[1] ^ 0x646f72616e646f6dULL,
                key[0] ^ 0x6c7967656e657261ULL, key[1] ^ 0x7465646279746573ULL};
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size(), whole = n / 8 * 8;
    for (std::size_t i = 0; i < whole; i += 8)
        s.absorb(word_at(p + i, 8));
    s.absorb(word_at(p + whole, n - whole) | (std::uint64_t(n & 0xff) << 56));
    s.v2 ^= 0xff;
    s.round(), s.round(), s.round(), s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

seen_set::seen_set() {
    std::random_device random;
    for (auto& k : key_)
        k = (std::uint64_t(random()) << 32) | random();
}

std::uint64_t seen_set::hash(std::string_view url) const {
    const auto h = siphash24(url, key_);
    return h == 0 ? 1 : h; // 0 marks an empty slot
}

bool seen_set::contains(std::string_view url) const {
    if (slots_.empty()) return false;
    const auto h = hash(url);
    const auto mask = slots_.size() - 1;
    // Linear probing: the table is never full, so an empty slot ends the run.
    for (auto i = h & mask;; i = (i + 1) & mask) {
        if (slots_[i] == h) return true;
        if (slots_[i] == 0) return false;
    }
}

bool seen_set::insert(std::string_view url) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    return insert_hash(hash(url));
}

bool seen_set::insert_hash(std::uint64_t h) {
    const auto mask = slots_.size() - 1;
    for (auto i = h & mask;; i = (i + 1) & mask) {
        if (slots_[i] == h) return false;
        if (slots_[i] == 0) {
            slots_[i] = h;
            ++size_;
            return true;
        }
    }
}

void seen_set::grow() {
    auto old = std::move(slots_);
    slots_.assign(old.empty() ? min_slots : old.size() * 2, 0);
    size_ = 0;
    for (const auto h : old)
        if (h != 0) insert_hash(h);
}

} // namespace asyncfetch::crawl
