// The digits are computed, not pasted: 4 KB of constants copied from
// elsewhere could hide a typo that only a key derivation many layers later
// would reveal, while a series for pi in OpenSSL's BIGNUM arithmetic is a
// dozen lines that are either right or visibly wrong (the unit test checks
// the whole state against OpenSSL's Blowfish key schedule).
#include "asyncfetch/ssh/blowfish_pi.hpp"

#include <openssl/bn.h>

#include <memory>
#include <stdexcept>

namespace asyncfetch::ssh {
namespace {

using bignum = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
constexpr auto div_failed = static_cast<BN_ULONG>(-1); // BN_div_word's error

bignum make_bignum() {
    bignum n(BN_new(), &BN_free);
    if (!n) throw std::bad_alloc();
    return n;
}

// pi * 2^bits from Bailey-Borwein-Plouffe's series, one fraction a term:
// pi = sum over k of 16^-k (120k^2 + 151k + 47) / (512k^4 + 1024k^3 + 712k^2
// + 194k + 15). 16^-k is a shift, so each term costs one short division (of
// a number that shrinks as k grows): about four times fewer limb divisions
// than Machin's arctangents. Each truncated term is off by under one unit.
bignum pi_shifted(int bits) {
    auto sum = make_bignum(), term = make_bignum();
    BN_zero(sum.get());
    bool ok = true;
    for (BN_ULONG k = 0; ok && 4 * static_cast<int>(k) <= bits; ++k) {
        const BN_ULONG numerator = 120 * k * k + 151 * k + 47;
        // Below 2^64 for every k used here (k < 8,400: 2.6e18).
        const BN_ULONG denominator = (((512 * k + 1024) * k + 712) * k + 194) * k + 15;
        BN_zero(term.get());
        ok = BN_set_bit(term.get(), bits - 4 * static_cast<int>(k)) == 1 &&
             BN_mul_word(term.get(), numerator) == 1 &&
             BN_div_word(term.get(), denominator) != div_failed &&
             BN_add(sum.get(), sum.get(), term.get()) == 1;
    }
    if (!ok) throw std::runtime_error("blowfish_pi: BIGNUM arithmetic failed");
    return sum;
}

std::array<std::uint32_t, blowfish_state_words> compute() {
    constexpr int fraction_bits = 32 * blowfish_state_words;
    constexpr int guard_bits = 64; // absorbs the series' truncation errors
    constexpr int bits = fraction_bits + guard_bits;
    auto pi = pi_shifted(bits);
    bool ok = BN_rshift(pi.get(), pi.get(), guard_bits) == 1 &&
              BN_mask_bits(pi.get(), fraction_bits) == 1; // drops the integer part, 3
    std::array<unsigned char, fraction_bits / 8> pi_bytes{};
    ok = ok && BN_bn2binpad(pi.get(), pi_bytes.data(), static_cast<int>(pi_bytes.size())) ==
                   static_cast<int>(pi_bytes.size());
    if (!ok) throw std::runtime_error("blowfish_pi: BIGNUM arithmetic failed");
    std::array<std::uint32_t, blowfish_state_words> words{};
    for (std::size_t i = 0; i < words.size(); ++i)
        words[i] = (std::uint32_t{pi_bytes[4 * i]} << 24) |
                   (std::uint32_t{pi_bytes[4 * i + 1]} << 16) |
                   (std::uint32_t{pi_bytes[4 * i + 2]} << 8) | std::uint32_t{pi_bytes[4 * i + 3]};
    return words;
}

} // namespace

const std::array<std::uint32_t, blowfish_state_words>& blowfish_pi_words() {
    static const auto words = compute();
    return words;
}

} // namespace asyncfetch::ssh
