// Encrypted PEM and PKCS#8 keys, decrypted once per run. libssh2 1.10 would
// read, derive the key from the passphrase and decrypt the file again for
// every session; OpenSSL does it once here, and each session loads the
// decrypted key from memory (it is never written to disk).
#include "asyncfetch/ssh/keys.hpp"

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
            pem = std::shared_ptr<const std::string>(
                new std::string(data, static_cast<std::size_t>(size)), [](const std::string* s) {
                    OPENSSL_cleanse(const_cast<char*>(s->data()), s->size());
                    delete s;
                });
            OPENSSL_cleanse(data, static_cast<std::size_t>(size));
        }
    }
    BIO_free(out);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return pem;
}

} // namespace

decrypted_key cached_decrypted_key(const std::string& path, const std::string& passphrase) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::string>, decrypted_key> cache;
    std::lock_guard lock(mutex);
    const auto id = std::pair{path, passphrase};
    if (auto it = cache.find(id); it != cache.end()) return it->second;
    auto text = read_key_file(path);
    decrypted_key key{encryption_of(text), nullptr};
    if (key.format == key_encryption::pem || key.format == key_encryption::pkcs8)
        key.pem = decrypt_pem(text, passphrase);
    OPENSSL_cleanse(text.data(), text.size());
    cache.emplace(id, key);
    return key;
}

} // namespace asyncfetch::ssh
