// The digits are computed, not pasted: 4 KB of constants copied from
// elsewhere could hide a typo that only a key derivation many layers later
// would reveal, while Machin's formula in OpenSSL's BIGNUM arithmetic is a
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

// arctan(1/x) * 2^bits, from the series 1/x - 1/(3x^3) + 1/(5x^5) - ...; each
// truncated term is off by less than one unit, a few thousand units in all.
bignum arctan_of_inverse(BN_ULONG x, int bits) {
    auto sum = make_bignum(), power = make_bignum(), term = make_bignum();
    BN_zero(sum.get());
    bool ok = BN_set_bit(power.get(), bits) == 1 && BN_div_word(power.get(), x) != div_failed;
    for (BN_ULONG k = 0; ok && !BN_is_zero(power.get()); ++k) {
        ok = BN_copy(term.get(), power.get()) && BN_div_word(term.get(), 2 * k + 1) != div_failed;
        if (ok && k % 2 == 0) ok = BN_add(sum.get(), sum.get(), term.get()) == 1;
        if (ok && k % 2 == 1) ok = BN_sub(sum.get(), sum.get(), term.get()) == 1;
        ok = ok && BN_div_word(power.get(), x * x) != div_failed;
    }
    if (!ok) throw std::runtime_error("blowfish_pi: BIGNUM arithmetic failed");
    return sum;
}

std::array<std::uint32_t, blowfish_state_words> compute() {
    constexpr int fraction_bits = 32 * blowfish_state_words;
    constexpr int guard_bits = 64; // absorbs the series' truncation errors
    constexpr int bits = fraction_bits + guard_bits;
    // Machin: pi = 16 arctan(1/5) - 4 arctan(1/239).
    auto pi = arctan_of_inverse(5, bits);
    const auto small = arctan_of_inverse(239, bits);
    bool ok = BN_lshift(pi.get(), pi.get(), 4) == 1 &&
              BN_lshift(small.get(), small.get(), 2) == 1 &&
              BN_sub(pi.get(), pi.get(), small.get()) == 1 &&
              BN_rshift(pi.get(), pi.get(), guard_bits) == 1 &&
              BN_mask_bits(pi.get(), fraction_bits) == 1; // drops the integer part, 3
    std::array<unsigned char, fraction_bits / 8> bytes{};
    ok = ok && BN_bn2binpad(pi.get(), bytes.data(), static_cast<int>(bytes.size())) ==
                   static_cast<int>(bytes.size());
    if (!ok) throw std::runtime_error("blowfish_pi: BIGNUM arithmetic failed");
    std::array<std::uint32_t, blowfish_state_words> words{};
    for (std::size_t i = 0; i < words.size(); ++i)
        words[i] = (std::uint32_t{bytes[4 * i]} << 24) | (std::uint32_t{bytes[4 * i + 1]} << 16) |
                   (std::uint32_t{bytes[4 * i + 2]} << 8) | std::uint32_t{bytes[4 * i + 3]};
    return words;
}

} // namespace

const std::array<std::uint32_t, blowfish_state_words>& blowfish_pi_words() {
    static const auto words = compute();
    return words;
}

} // namespace asyncfetch::ssh
