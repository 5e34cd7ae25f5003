#include "asyncfetch/core/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>

namespace ssl = boost::asio::ssl;

namespace asyncfetch {
namespace {

// SSL_CERT_FILE names a file other than the system's bundle (which the
// hashed directory holds too).
bool other_cert_file() {
    const char* file = std::getenv(X509_get_default_cert_file_env());
    std::error_code ec;
    return file && !std::filesystem::equivalent(file, X509_get_default_cert_file(), ec);
}

// The system's CAs, each read from the hashed directory (/etc/ssl/certs, its
// c_rehash names) when a chain needs it: OpenSSL's default paths also load
// its CA file, every certificate at once, ~250M instructions a process.
// Another SSL_CERT_FILE, or no such directory: the default paths, as before.
void use_system_cas(ssl::context& ctx) {
    const char* dir = std::getenv(X509_get_default_cert_dir_env());
    if (!dir) dir = X509_get_default_cert_dir();
    std::error_code ec;
    if (other_cert_file() || !std::filesystem::is_directory(dir, ec))
        ctx.set_default_verify_paths();
    else
        ctx.add_verify_path(dir);
}

} // namespace

ssl::context client_tls_context(bool verify, const std::string& ca_file) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3);
    if (!verify) {
        ctx.set_verify_mode(ssl::verify_none);
        return ctx;
    }
    ctx.set_verify_mode(ssl::verify_peer);
    if (ca_file.empty())
        use_system_cas(ctx);
    else
        ctx.load_verify_file(ca_file);
    return ctx;
}

void expect_host(SSL* ssl, const std::string& host, bool host_is_ip) {
    if (!host_is_ip) SSL_set_tlsext_host_name(ssl, host.c_str());
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (host_is_ip)
        X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else
        X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
}

} // namespace asyncfetch
