#include "asyncfetch/crawl/seen_set.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace asyncfetch::crawl {
namespace {

constexpr std::size_t min_slots = 1024;

std::array<std::uint64_t, 2> random_key() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("seen set: no random key (RAND_bytes)");
    std::array<std::uint64_t, 2> key{};
    std::memcpy(key.data(), bytes.data(), bytes.size());
    return key;
}

} // namespace

void siphash24::free_context::operator()(EVP_MAC_CTX* ctx) const noexcept {
    EVP_MAC_CTX_free(ctx);
}

siphash24::siphash24(const std::array<std::uint64_t, 2>& key) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
    if (mac) ctx_.reset(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac); // the context holds its own reference
    std::array<unsigned char, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<unsigned char>(key[i / 8] >> (8 * (i % 8)));
    std::size_t size = 8;
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
                                 OSSL_PARAM_construct_end()};
    if (!ctx_ || EVP_MAC_init(ctx_.get(), bytes.data(), bytes.size(), params) != 1)
        throw std::runtime_error("seen set: OpenSSL has no SipHash");
}

std::uint64_t siphash24::operator()(std::string_view bytes) const {
    // Init without a key starts over with the key set above.
    std::array<unsigned char, 8> out{};
    std::size_t written = 0;
    if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx_.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size()) != 1 ||
        EVP_MAC_final(ctx_.get(), out.data(), &written, out.size()) != 1 || written != 8)
        throw std::runtime_error("seen set: SipHash failed");
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < out.size(); ++i)
        h |= std::uint64_t(out[i]) << (8 * i);
    return h;
}

seen_set::seen_set() : hash_(random_key()) {}

std::uint64_t seen_set::hash(std::string_view url) const {
    const auto h = hash_(url);
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
