#include "asyncfetch/core/tls_client_options.hpp"

#include "asyncfetch/core/tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace asyncfetch {
namespace {

// OpenSSL's reason for the last failure (its queue emptied), e.g. "bad decrypt".
std::string openssl_reason() {
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0) return "unknown error";
    const char* reason = ERR_reason_error_string(code);
    return reason ? reason : "error " + std::to_string(code);
}

// Hands the passphrase to OpenSSL, notes that one was asked for, and never
// lets OpenSSL prompt on the terminal (its default when none is given).
struct passphrase_source {
    const std::string& passphrase;
    bool asked = false;

    static int callback(char* buf, int size, int, void* self_ptr) {
        auto& self = *static_cast<passphrase_source*>(self_ptr);
        self.asked = true;
        const auto& p = self.passphrase;
        if (p.empty() || p.size() > static_cast<std::size_t>(size)) return -1;
        std::memcpy(buf, p.data(), p.size());
        return static_cast<int>(p.size());
    }
};

using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

parsed<pkey_ptr> read_private_key(const std::string& file, const std::string& passphrase) {
    bio_ptr bio(BIO_new_file(file.c_str(), "r"), &BIO_free);
    if (!bio) {
        ERR_clear_error();
        return problem("cannot read '" + file + "'");
    }
    passphrase_source source{passphrase};
    pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &passphrase_source::callback, &source),
                 &EVP_PKEY_free);
    if (key) {
        ERR_clear_error();
        return key;
    }
    const auto reason = openssl_reason();
    if (source.asked && passphrase.empty())
        return problem("the private key in '" + file +
                       "' is encrypted: give its passphrase with --key-passphrase-env VAR");
    if (source.asked)
        return problem("cannot decrypt the private key in '" + file + "' (" + reason +
                       "): wrong passphrase?");
    return problem("no usable private key in '" + file + "' (" + reason + ")");
}

} // namespace

parsed<int> parse_tls_version(std::string_view text) {
    if (text == "1.2") return TLS1_2_VERSION;
    if (text == "1.3") return TLS1_3_VERSION;
    return problem("'" + std::string(text) + "' is not a TLS version (1.2 or 1.3)");
}

parsed<bool> use_tls_client_options(boost::asio::ssl::context& ctx,
                                    const tls_client_options& options) {
    SSL_CTX* native = ctx.native_handle();
    if (options.min_version != 0 && !SSL_CTX_set_min_proto_version(native, options.min_version))
        return problem("cannot set the lowest TLS version (" + openssl_reason() + ")");
    if (options.cert_file.empty()) {
        if (!options.key_file.empty())
            return problem("a key (--key) needs its certificate (--cert)");
        return true;
    }
    if (SSL_CTX_use_certificate_chain_file(native, options.cert_file.c_str()) != 1)
        return problem("no usable certificate in '" + options.cert_file + "' (" + openssl_reason() +
                       ")");
    const auto& key_file = options.key_file.empty() ? options.cert_file : options.key_file;
    auto key = read_private_key(key_file, options.key_passphrase);
    if (!key) {
        if (options.key_file.empty())
            return problem(key.problem() + "; give the key with --key FILE if it is elsewhere");
        return problem(key.problem());
    }
    if (SSL_CTX_use_PrivateKey(native, key->get()) != 1) {
        ERR_clear_error();
        return problem("the private key in '" + key_file + "' does not match the certificate in '" +
                       options.cert_file + "'");
    }
    return true;
}

parsed<bool> check_tls_client_options(const tls_client_options& options) {
    // Nothing to check, no scratch context: making one initialises OpenSSL
    // (~10M instructions), which a run of http:// URLs never needs.
    if (options.cert_file.empty() && options.key_file.empty() && options.min_version == 0)
        return true;
    boost::asio::ssl::context scratch(boost::asio::ssl::context::tls_client);
    return use_tls_client_options(scratch, options);
}

boost::asio::ssl::context client_tls_context(bool verify, const std::string& ca_file,
                                             const tls_client_options& options) {
    auto ctx = client_tls_context(verify, ca_file);
    if (auto used = use_tls_client_options(ctx, options); !used)
        throw std::runtime_error("tls: " + used.problem());
    return ctx;
}

} // namespace asyncfetch
