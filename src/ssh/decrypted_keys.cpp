// Encrypted keys, decrypted once per run. libssh2 1.10 would read, derive
// the key from the passphrase and decrypt the file again for every session
// (for OpenSSH-format keys, bcrypt_pbkdf: about 0.3 s of CPU each); here
// OpenSSL decrypts PEM and PKCS#8 keys and openssh_key.hpp OpenSSH-format
// ones once, and each session loads the decrypted key from memory (it is
// never written to disk) or signs with it through libssh2's callback.
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/openssh_key.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
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

// The key as an unencrypted PKCS#8 PEM, wiped when the last user lets go.
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
    EVP_PKEY_free(key);
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
