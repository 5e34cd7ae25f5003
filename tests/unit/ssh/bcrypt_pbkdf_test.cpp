// bcrypt_pbkdf against OpenBSD's published vectors (regress/lib/libutil/
// bcrypt_pbkdf, as other ports of it quote them) and against vectors made
// with pyca/bcrypt's kdf(), which compiles OpenBSD's own C code; the
// end-to-end check with keys ssh-keygen writes is in openssh_key_test.cpp.
#include "asyncfetch/ssh/bcrypt_pbkdf.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace asyncfetch::ssh;
using namespace std::string_view_literals;

namespace {

std::string hex(const unsigned char* data, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < size; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 15];
    }
    return out;
}

std::string derive(std::string_view password, std::string_view salt, unsigned rounds,
                   std::size_t size) {
    std::vector<unsigned char> key(size);
    REQUIRE(bcrypt_pbkdf(password, salt, rounds, key));
    return hex(key.data(), key.size());
}

} // namespace

TEST_CASE("bcrypt_pbkdf: OpenBSD's published vectors") {
    CHECK(derive("password", "salt", 4, 32) ==
          "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9");
    CHECK(derive("password", "\0"sv, 4, 16) == "c12b566235eee04c212598970a579a67");
    CHECK(derive("\0"sv, "salt", 4, 16) == "6051be18c2f4f82cbf0efee5471b4bb9");
    CHECK(derive("password\0"sv, "salt\0"sv, 4, 32) ==
          "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050");
}

TEST_CASE("bcrypt_pbkdf: the strided output of keys longer than one hash (pyca/bcrypt)") {
    // 33 bytes: two blocks, the second giving only the last byte.
    CHECK(derive("password\0"sv, "salt\0"sv, 5, 33) ==
          "637002b9f8e22679dccd7dd1402f8932f6aeb910a5aab027504d5fda6df82d9073");
    // 48 bytes: aes256-ctr's key and IV, with ssh-keygen's default 16 rounds.
    std::string salt;
    for (int i = 0; i < 16; ++i)
        salt += static_cast<char>(i);
    CHECK(derive("af-key-passphrase", salt, 16, 48) ==
          "8b7de6e8a94078dd3c07a78a6913933865ebdc5dc79cef59c8df885f5ea2fff6"
          "04bb04cf431794807de5a661bc486e31");
    // 44 bytes: aes256-gcm's key and IV, one round.
    CHECK(derive("pass", "0123456789abcdef", 1, 44) ==
          "87dee2f820b6bf7df7e45077e85587a1ae1542767f3ddf25ff9ff80985449ae3"
          "272e1028685f56c655138c4e");
    // 70 bytes: three blocks of 24, the last cut short.
    CHECK(derive(std::string(100, 'a'), std::string(33, 'S'), 3, 70) ==
          "1267ed76302ee196b90f60e63f73dd2e6d1c7398d6b3a4bc36eb47d70f5f44d0"
          "44fd254746b7ad74d212b619d5488bb20364a35f80b277026b69a9d0d0fc6a4e"
          "73d2014ca7b8");
    // A password longer than SHA-512's block, a salt of one full digest.
    CHECK(derive(std::string(300, 'x'), std::string(64, '\xff'), 3, 64) ==
          "22a90e1390575acade907d6e97f715e55e50543c05adcafbc9244d336ebec420"
          "6b7c642c1283788c67db84e30b8caadf7141915195e36170a9ba1430706b84da");
    // 512 bytes, 16 blocks.
    std::string long_salt;
    for (int i = 0; i < 512; ++i)
        long_salt += static_cast<char>(i & 255);
    const auto key = derive("correct horse", long_salt, 2, 512);
    CHECK(key.substr(0, 16) == "d2386e7e8c650bb4");
    CHECK(key.substr(key.size() - 16) == "6295507acd2f79f8");
}

TEST_CASE("bcrypt_pbkdf: arguments outside OpenBSD's limits are refused, the key zeroed") {
    std::vector<unsigned char> key(32, 0xAA);
    CHECK_FALSE(bcrypt_pbkdf("password", "salt", 0, key));
    CHECK(key == std::vector<unsigned char>(32, 0));
    CHECK_FALSE(bcrypt_pbkdf("", "salt", 4, key));
    CHECK_FALSE(bcrypt_pbkdf("password", "", 4, key));
    CHECK_FALSE(bcrypt_pbkdf("password", std::string((1u << 20) + 1, 's'), 4, key));
    std::vector<unsigned char> too_long(bcrypt_pbkdf_max_key + 1);
    CHECK_FALSE(bcrypt_pbkdf("password", "salt", 1, too_long));
    CHECK_FALSE(bcrypt_pbkdf("password", "salt", 1, std::span<unsigned char>()));
}
