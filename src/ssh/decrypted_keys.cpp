// Encrypted keys, decrypted once per run. libssh2 1.10 would read, derive
// the key from the passphrase and decrypt the file again for every session
// (for OpenSSH-format keys, bcrypt_pbkdf: about 0.3 s of CPU each); here
// OpenSSL decrypts PEM and PKCS#8 keys and openssh_key.hpp OpenSSH-format
// ones once, and each session loads the decrypted key from memory (it is
// never written to disk) or signs with it through libssh2's callback.
#include "wire_reader.hpp"

#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/openssh_key.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <map>
#include <mutex>
#include <utility>

namespace asyncfetch::ssh {
namespace {

// A string of key material, wiped when the last user lets go.
std::shared_ptr<const std::string> wiped_on_release(std::string&& text) {
    return std::shared_ptr<const std::string>(
        new std::string(std::move(text)), [](const std::string* s) {
            OPENSSL_cleanse(const_cast<char*>(s->data()), s->size());
            delete s;
        });
}

// `key` as an unencrypted PKCS#8 PEM, wiped when the last user lets go.
std::shared_ptr<const std::string> pkcs8_pem(EVP_PKEY* key) {
    std::shared_ptr<const std::string> pem;
    BIO* out = BIO_new(BIO_s_mem());
    if (out && PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
        char* data = nullptr;
        const long size = BIO_get_mem_data(out, &data);
        if (data && size > 0) {
            pem = wiped_on_release(std::string(data, static_cast<std::size_t>(size)));
            OPENSSL_cleanse(data, static_cast<std::size_t>(size));
        }
    }
    BIO_free(out);
    return pem;
}

// An encrypted PEM or PKCS#8 key as an unencrypted PKCS#8 PEM (nullptr: the
// passphrase does not decrypt it).
std::shared_ptr<const std::string> decrypt_pem(const std::string& text,
                                               const std::string& passphrase) {
    BIO* in = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
    // With no callback, OpenSSL takes `u` as the passphrase (it only reads it).
    EVP_PKEY* key =
        in ? PEM_read_bio_PrivateKey(in, nullptr, nullptr, const_cast<char*>(passphrase.c_str()))
           : nullptr;
    BIO_free(in);
    if (!key) {
        ERR_clear_error(); // a wrong passphrase leaves errors that are not ours to report
        return nullptr;
    }
    auto pem = pkcs8_pem(key);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return pem;
}

// An ECDSA key of an unencrypted openssh-key-v1 text as PKCS#8: libssh2 1.10
// leaks 48 bytes per session reading OpenSSH-format ECDSA keys (also from
// its own files, measured under LeakSanitizer), none reading PKCS#8.
std::shared_ptr<const std::string> ecdsa_as_pkcs8(const std::string& openssh_text) {
    const auto file = parse_openssh_key_file(openssh_text);
    if (!file || file->cipher != "none") return nullptr;
    wire_reader in(file->private_section);
    const auto check1 = in.u32(), check2 = in.u32();
    const auto type = in.string(), curve = in.string(), point = in.string(), scalar = in.string();
    if (!check1 || !check2 || !type || !curve || !point || !scalar ||
        !type->starts_with("ecdsa-sha2-"))
        return nullptr;
    const char* group = *curve == "nistp256"   ? "prime256v1"
                        : *curve == "nistp384" ? "secp384r1"
                        : *curve == "nistp521" ? "secp521r1"
                                               : nullptr;
    if (!group) return nullptr;
    BIGNUM* d = BN_bin2bn(reinterpret_cast<const unsigned char*>(scalar->data()),
                          static_cast<int>(scalar->size()), nullptr);
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    OSSL_PARAM* params = nullptr;
    if (d && build &&
        OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
        OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point->data(),
                                         point->size()) &&
        OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_PRIV_KEY, d))
        params = OSSL_PARAM_BLD_to_param(build);
    EVP_PKEY_CTX* ctx = params ? EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr) : nullptr;
    EVP_PKEY* key = nullptr;
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params);
    auto pem = key ? pkcs8_pem(key) : nullptr;
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(build);
    BN_clear_free(d);
    ERR_clear_error();
    return pem;
}

void decrypt_openssh(const std::string& text, const std::string& passphrase, decrypted_key& key) {
    auto decrypted = decrypt_openssh_key(text, passphrase);
    if (decrypted.outcome == openssh_decryption::unsupported) key.left_to_libssh2 = true;
    if (decrypted.outcome != openssh_decryption::decrypted) return;
    key.pem = wiped_on_release(std::move(decrypted.pem));
    if (auto ed25519 = parse_openssh_ed25519(*key.pem)) {
        auto signer = std::make_shared<ed25519_signer>(*ed25519);
        if (!signer->sign("probe").empty()) key.signer = std::move(signer);
        OPENSSL_cleanse(ed25519->seed.data(), ed25519->seed.size()); // not a dead store
    } else if (auto pkcs8 = ecdsa_as_pkcs8(*key.pem)) {
        key.pem = std::move(pkcs8);
    }
}

} // namespace

decrypted_key cached_decrypted_key(const std::string& path, const std::string& passphrase) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::string>, decrypted_key> cache;
    std::lock_guard lock(mutex);
    const auto id = std::pair{path, passphrase};
    if (auto it = cache.find(id); it != cache.end()) return it->second;
    auto text = read_key_file(path);
    decrypted_key key;
    key.format = encryption_of(text);
    if (key.format == key_encryption::pem || key.format == key_encryption::pkcs8)
        key.pem = decrypt_pem(text, passphrase);
    if (key.format == key_encryption::openssh) decrypt_openssh(text, passphrase, key);
    OPENSSL_cleanse(text.data(), text.size());
    cache.emplace(id, key);
    return key;
}

} // namespace asyncfetch::ssh
