#include "asyncfetch/ssh/keys.hpp"

#include "wire_reader.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace asyncfetch::ssh {

key_encryption encryption_of(std::string_view text) {
    if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos)
        return key_encryption::pkcs8;
    if (text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) return key_encryption::pem;
    constexpr std::string_view begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    const auto b = text.find(begin);
    const auto e = text.find("-----END OPENSSH PRIVATE KEY-----");
    if (b == std::string_view::npos || e == std::string_view::npos || e < b)
        return key_encryption::none;
    // openssh-key-v1\0, then the cipher's name: "none" when not encrypted.
    const auto raw = base64_decode(text.substr(b + begin.size(), e - b - begin.size()));
    if (!raw || raw->size() < 23) return key_encryption::none;
    return raw->compare(15, 8, std::string_view("\0\0\0\4none", 8)) == 0 ? key_encryption::none
                                                                         : key_encryption::openssh;
}

std::string read_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text(64 * 1024, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string clean;
    for (char c : text)
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
    if (clean.empty() || clean.size() % 4 != 0) return std::nullopt;
    std::string out(clean.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(clean.data()),
                                  static_cast<int>(clean.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts the padding as zero bytes.
    std::size_t len = static_cast<std::size_t>(n);
    if (clean.size() >= 1 && clean[clean.size() - 1] == '=') --len;
    if (clean.size() >= 2 && clean[clean.size() - 2] == '=') --len;
    out.resize(len);
    return out;
}

std::optional<ed25519_key> parse_openssh_ed25519(std::string_view file_text) {
    constexpr std::string_view begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    constexpr std::string_view end = "-----END OPENSSH PRIVATE KEY-----";
    const auto b = file_text.find(begin);
    const auto e = file_text.find(end);
    if (b == std::string_view::npos || e == std::string_view::npos || e < b) return std::nullopt;
    auto raw = base64_decode(file_text.substr(b + begin.size(), e - b - begin.size()));
    if (!raw) return std::nullopt;
    // The private key is in it (a key decrypted in memory included): wiped on return.
    struct wipe {
        std::string& bytes;
        ~wipe() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
    } wipe_raw{*raw};

    // openssh-key-v1: magic, cipher, kdf, kdf options, key count, public
    // keys, then the private section (two equal check words, then per key:
    // type, public key, private key (seed + public), comment; padding).
    wire_reader r(*raw);
    if (!r.take_prefix(std::string_view("openssh-key-v1\0", 15))) return std::nullopt;
    const auto cipher = r.string(), kdf = r.string(), kdf_options = r.string();
    const auto count = r.u32();
    if (!cipher || *cipher != "none" || !kdf || *kdf != "none" || !kdf_options || !count ||
        *count != 1)
        return std::nullopt; // encrypted, or several keys: libssh2 handles those
    const auto public_blob = r.string();
    const auto private_section = r.string();
    if (!public_blob || !private_section) return std::nullopt;

    wire_reader p(*private_section);
    const auto check1 = p.u32(), check2 = p.u32();
    if (!check1 || !check2 || *check1 != *check2) return std::nullopt;
    const auto type = p.string(), pub = p.string(), priv = p.string();
    if (!type || *type != "ssh-ed25519" || !pub || pub->size() != 32 || !priv ||
        priv->size() != 64 || priv->substr(32) != *pub)
        return std::nullopt;
    // The public key listed outside must be the same key.
    wire_reader outer(*public_blob);
    const auto outer_type = outer.string(), outer_key = outer.string();
    if (!outer_type || *outer_type != "ssh-ed25519" || !outer_key || *outer_key != *pub)
        return std::nullopt;

    ed25519_key key;
    key.public_blob = std::string(*public_blob);
    std::copy(priv->begin(), priv->begin() + 32, key.seed.begin());
    return key;
}

ed25519_signer::ed25519_signer(const ed25519_key& key) : blob_(key.public_blob) {
    pkey_ =
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, key.seed.data(), key.seed.size());
}

ed25519_signer::~ed25519_signer() {
    EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_));
}

std::string ed25519_signer::sign(std::string_view data) const {
    if (!pkey_) return {};
    std::string sig(64, '\0');
    std::size_t len = sig.size();
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok =
        ctx &&
        EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_)) == 1 &&
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return {};
    sig.resize(len);
    return sig;
}

std::shared_ptr<const ed25519_signer> cached_ed25519_signer(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const ed25519_signer>> cache;
    std::lock_guard lock(mutex);
    if (auto it = cache.find(path); it != cache.end()) return it->second;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::shared_ptr<const ed25519_signer> signer;
    if (auto key = parse_openssh_ed25519(text.str())) {
        auto s = std::make_shared<ed25519_signer>(*key);
        if (!s->sign("probe").empty()) signer = std::move(s);
        key->seed.fill(0);
    }
    cache.emplace(path, signer);
    return signer;
}

} // namespace asyncfetch::ssh
