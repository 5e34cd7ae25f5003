// The openssh-key-v1 container, as OpenSSH's sshkey.c reads it
// (sshkey_parse_private2): the same checks on lengths, the same ciphers'
// key and IV sizes, and its verdict that a failed tag or unequal check
// words mean a wrong passphrase.
#include "asyncfetch/ssh/openssh_key.hpp"

#include "asyncfetch/ssh/bcrypt_pbkdf.hpp"
#include "asyncfetch/ssh/keys.hpp"
#include "wire_reader.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <vector>

namespace asyncfetch::ssh {
namespace {

constexpr std::string_view magic("openssh-key-v1\0", 15);
constexpr std::string_view pem_begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view pem_end = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::size_t max_salt = 1024; // ssh-keygen writes 16 bytes

enum class engine { none, evp, chacha20_poly1305 };

struct cipher_spec {
    std::string_view name;
    engine kind;
    const EVP_CIPHER* (*evp)(); // engine::evp only
    std::size_t key_size, iv_size, block_size, tag_size;
};

// Every cipher ssh-keygen -Z takes, with OpenSSH's cipher.c sizes.
constexpr std::array<cipher_spec, 11> ciphers = {{
    {"none", engine::none, nullptr, 0, 0, 8, 0},
    {"aes128-ctr", engine::evp, &EVP_aes_128_ctr, 16, 16, 16, 0},
    {"aes192-ctr", engine::evp, &EVP_aes_192_ctr, 24, 16, 16, 0},
    {"aes256-ctr", engine::evp, &EVP_aes_256_ctr, 32, 16, 16, 0},
    {"aes128-cbc", engine::evp, &EVP_aes_128_cbc, 16, 16, 16, 0},
    {"aes192-cbc", engine::evp, &EVP_aes_192_cbc, 24, 16, 16, 0},
    {"aes256-cbc", engine::evp, &EVP_aes_256_cbc, 32, 16, 16, 0},
    {"aes128-gcm@openssh.com", engine::evp, &EVP_aes_128_gcm, 16, 12, 16, 16},
    {"aes256-gcm@openssh.com", engine::evp, &EVP_aes_256_gcm, 32, 12, 16, 16},
    {"3des-cbc", engine::evp, &EVP_des_ede3_cbc, 24, 8, 8, 0},
    {"chacha20-poly1305@openssh.com", engine::chacha20_poly1305, nullptr, 64, 0, 8, 16},
}};

const cipher_spec* find_cipher(std::string_view name) {
    for (const auto& c : ciphers)
        if (c.name == name) return &c;
    return nullptr;
}

// Wipes a string holding key material when it goes out of scope.
struct wipe_on_exit {
    std::string& text;
    ~wipe_on_exit() { OPENSSL_cleanse(text.data(), text.size()); }
};

void put_u32(std::string& out, std::size_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((v >> shift) & 0xff);
}

void put_string(std::string& out, std::string_view s) {
    put_u32(out, s.size());
    out += s;
}

bool evp_decrypt(const cipher_spec& c, std::span<const unsigned char> key_iv, const std::string& in,
                 std::string tag, std::string& plain) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    int written = 0, final_written = 0;
    const bool ok =
        ctx &&
        EVP_DecryptInit_ex(ctx, c.evp(), nullptr, key_iv.data(), key_iv.data() + c.key_size) == 1 &&
        EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
        EVP_DecryptUpdate(ctx, out, &written, reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size())) == 1 &&
        (c.tag_size == 0 || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
                                                static_cast<int>(tag.size()), tag.data()) == 1) &&
        // For GCM, the tag's check: a wrong passphrase fails here.
        EVP_DecryptFinal_ex(ctx, out + written, &final_written) == 1 &&
        static_cast<std::size_t>(written + final_written) == plain.size();
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

// chacha20-poly1305@openssh.com as OpenSSH's cipher-chachapoly-libcrypto.c
// runs it for a key file: sequence number 0 and no length header, so only
// the first 32 bytes of the key are used. The Poly1305 key is block 0 of
// ChaCha20's stream, the text is encrypted from block 1 on; the tag is
// checked first. OpenSSL's IV is the block counter (little-endian) then the
// nonce (here the 64-bit big-endian sequence number, 0).
bool chacha20_poly1305_decrypt(std::span<const unsigned char> key, const std::string& in,
                               const std::string& tag, std::string& plain) {
    std::array<unsigned char, 16> iv{};
    std::array<unsigned char, 32> poly_key{}, tag_wanted{};
    const std::array<unsigned char, 32> zeros{};
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "POLY1305", nullptr);
    EVP_MAC_CTX* mac_ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    int n = 0;
    std::size_t tag_size = 0;
    const auto* text = reinterpret_cast<const unsigned char*>(in.data());
    bool ok = ctx && mac_ctx &&
              EVP_EncryptInit_ex(ctx, EVP_chacha20(), nullptr, key.data(), iv.data()) == 1 &&
              EVP_EncryptUpdate(ctx, poly_key.data(), &n, zeros.data(), 32) == 1 &&
              EVP_MAC_init(mac_ctx, poly_key.data(), poly_key.size(), nullptr) == 1 &&
              EVP_MAC_update(mac_ctx, text, in.size()) == 1 &&
              EVP_MAC_final(mac_ctx, tag_wanted.data(), &tag_size, tag_wanted.size()) == 1 &&
              tag_size == tag.size() && CRYPTO_memcmp(tag_wanted.data(), tag.data(), tag_size) == 0;
    iv[0] = 1;
    ok = ok && EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), iv.data()) == 1 &&
         EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(plain.data()), &n, text,
                           static_cast<int>(in.size())) == 1 &&
         static_cast<std::size_t>(n) == plain.size();
    OPENSSL_cleanse(poly_key.data(), poly_key.size());
    EVP_MAC_CTX_free(mac_ctx);
    EVP_MAC_free(mac);
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

} // namespace

std::optional<openssh_key_file> parse_openssh_key_file(std::string_view text) {
    const auto b = text.find(pem_begin);
    const auto e = text.find(pem_end);
    if (b == std::string_view::npos || e == std::string_view::npos || e < b) return std::nullopt;
    auto raw = base64_decode(text.substr(b + pem_begin.size(), e - b - pem_begin.size()));
    if (!raw) return std::nullopt;
    wipe_on_exit wipe{*raw}; // an unencrypted key's private section is in it

    wire_reader r(*raw);
    if (!r.take_prefix(magic)) return std::nullopt;
    const auto cipher = r.string(), kdf = r.string(), kdf_options = r.string();
    const auto count = r.u32();
    if (!cipher || !kdf || !kdf_options || !count || *count != 1) return std::nullopt;
    const auto public_key = r.string(), section = r.string();
    if (!public_key || !section) return std::nullopt;

    openssh_key_file file;
    file.cipher = *cipher;
    file.kdf = *kdf;
    file.public_key = *public_key;
    file.private_section = *section;
    file.tag = r.rest();
    if (*kdf == "bcrypt") {
        wire_reader options(*kdf_options);
        const auto salt = options.string();
        const auto rounds = options.u32();
        if (!salt || salt->empty() || salt->size() > max_salt || !rounds || *rounds < 1 ||
            *rounds > openssh_max_rounds || !options.rest().empty() || *cipher == "none")
            return std::nullopt;
        file.salt = *salt;
        file.rounds = *rounds;
    } else if (*kdf != "none" || !kdf_options->empty() || *cipher != "none") {
        return std::nullopt; // OpenSSH knows no other KDF, and a cipher needs one
    }
    // A known cipher's lengths are checked here; an unknown one's by libssh2.
    if (const auto* c = find_cipher(file.cipher))
        if (file.private_section.size() < c->block_size ||
            file.private_section.size() % c->block_size != 0 || file.tag.size() != c->tag_size)
            return std::nullopt;
    return file;
}

std::optional<std::size_t> openssh_key_iv_size(std::string_view cipher) {
    const auto* c = find_cipher(cipher);
    if (!c) return std::nullopt;
    return c->key_size + c->iv_size;
}

std::optional<std::string> decrypt_private_section(const openssh_key_file& file,
                                                   std::span<const unsigned char> key_iv) {
    const auto* c = find_cipher(file.cipher);
    const auto& in = file.private_section;
    if (!c || key_iv.size() != c->key_size + c->iv_size || in.size() < 8 ||
        in.size() % c->block_size != 0 || file.tag.size() != c->tag_size ||
        in.size() > std::size_t{1} << 30)
        return std::nullopt;
    std::string plain(in.size(), '\0');
    bool ok = true;
    if (c->kind == engine::evp) ok = evp_decrypt(*c, key_iv, in, file.tag, plain);
    if (c->kind == engine::chacha20_poly1305)
        ok = chacha20_poly1305_decrypt(key_iv, in, file.tag, plain);
    if (c->kind == engine::none) plain = in;
    // Two equal random words first: unequal ones mean a wrong passphrase.
    ok = ok && plain.compare(0, 4, plain, 4, 4) == 0;
    if (!ok) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return std::nullopt;
    }
    return plain;
}

std::string openssh_pem(std::string_view container) {
    std::string base64(4 * ((container.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()),
                                  reinterpret_cast<const unsigned char*>(container.data()),
                                  static_cast<int>(container.size()));
    base64.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    wipe_on_exit wipe{base64};
    constexpr std::size_t columns = 70; // as ssh-keygen writes it
    std::string pem;
    pem.reserve(pem_begin.size() + pem_end.size() + base64.size() + base64.size() / columns + 4);
    pem.append(pem_begin).append("\n");
    for (std::size_t at = 0; at < base64.size(); at += columns)
        pem.append(std::string_view(base64).substr(at, columns)).append("\n");
    pem.append(pem_end).append("\n");
    return pem;
}

std::string unencrypted_openssh_pem(std::string_view public_key, std::string_view private_section) {
    std::string container;
    // Reserved whole: growing would leave copies of the key in freed memory.
    container.reserve(magic.size() + 4 * 7 + 8 + public_key.size() + private_section.size());
    wipe_on_exit wipe{container};
    container += magic;
    put_string(container, "none"); // cipher
    put_string(container, "none"); // kdf
    put_string(container, "");     // kdf options
    put_u32(container, 1);         // one key
    put_string(container, public_key);
    put_string(container, private_section);
    return openssh_pem(container);
}

decrypted_openssh_key decrypt_openssh_key(std::string_view text, std::string_view passphrase) {
    decrypted_openssh_key result;
    const auto file = parse_openssh_key_file(text);
    if (!file) return result; // malformed
    const auto size = openssh_key_iv_size(file->cipher);
    if (!size) {
        result.outcome = openssh_decryption::unsupported;
        return result;
    }
    std::vector<unsigned char> key_iv(*size);
    // bcrypt_pbkdf refuses an empty passphrase, as OpenSSH does.
    const bool derived =
        file->kdf == "none" || bcrypt_pbkdf(passphrase, file->salt, file->rounds, key_iv);
    auto plain = derived ? decrypt_private_section(*file, key_iv) : std::nullopt;
    OPENSSL_cleanse(key_iv.data(), key_iv.size());
    if (!plain) {
        result.outcome = openssh_decryption::wrong_passphrase;
        return result;
    }
    result.pem = unencrypted_openssh_pem(file->public_key, *plain);
    OPENSSL_cleanse(plain->data(), plain->size());
    result.outcome = openssh_decryption::decrypted;
    return result;
}

} // namespace asyncfetch::ssh
