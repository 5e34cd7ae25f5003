// The computed pi digits, checked against published words of Blowfish's
// tables and, all 1042 at once, against OpenSSL's own Blowfish key schedule.
#define OPENSSL_SUPPRESS_DEPRECATED // BF_set_key, BF_encrypt: the reference
#include "asyncfetch/ssh/blowfish_pi.hpp"

#include <doctest/doctest.h>
#include <openssl/blowfish.h>

#include <algorithm>
#include <cstring>
#include <string_view>

using namespace asyncfetch::ssh;

TEST_CASE("blowfish_pi: the first and last words are pi's, as Blowfish's tables print them") {
    const auto& words = blowfish_pi_words();
    CHECK(words[0] == 0x243F6A88u); // P1: pi = 3.243F6A88 85A308D3 ...
    CHECK(words[1] == 0x85A308D3u);
    CHECK(words[17] == 0x8979FB1Bu);                       // P18
    CHECK(words[18] == 0xD1310BA6u);                       // S1[0]
    CHECK(words[blowfish_state_words - 1] == 0x3AC372E6u); // S4[255]
    CHECK(&blowfish_pi_words() == &words);                 // computed once
}

TEST_CASE("blowfish_pi: Blowfish's key schedule from these words gives OpenSSL's state") {
    // Any wrong word would change every word the schedule writes after it.
    for (const std::string_view key : {std::string_view("abcdefghijklmnopqrstuvwxyz"),
                                       std::string_view("\x01\x23\x45\x67\x89\xab\xcd\xef", 8)}) {
        BF_KEY reference;
        BF_set_key(&reference, static_cast<int>(key.size()),
                   reinterpret_cast<const unsigned char*>(key.data()));

        BF_KEY state;
        const auto& pi = blowfish_pi_words();
        std::copy(pi.begin(), pi.begin() + blowfish_p_words, std::begin(state.P));
        std::copy(pi.begin() + blowfish_p_words, pi.end(), std::begin(state.S));
        for (std::size_t i = 0; i < blowfish_p_words; ++i) {
            BF_LONG word = 0;
            for (std::size_t b = 0; b < 4; ++b)
                word = (word << 8) | static_cast<unsigned char>(key[(4 * i + b) % key.size()]);
            state.P[i] ^= word;
        }
        BF_LONG block[2] = {0, 0};
        for (std::size_t i = 0; i < blowfish_p_words; i += 2) {
            BF_encrypt(block, &state);
            state.P[i] = block[0];
            state.P[i + 1] = block[1];
        }
        for (std::size_t i = 0; i < std::size(state.S); i += 2) {
            BF_encrypt(block, &state);
            state.S[i] = block[0];
            state.S[i + 1] = block[1];
        }
        CHECK(std::memcmp(&state, &reference, sizeof state) == 0);
    }
}
