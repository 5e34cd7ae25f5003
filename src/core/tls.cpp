#include "asyncfetch/core/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace ssl = boost::asio::ssl;

namespace asyncfetch {

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
        ctx.set_default_verify_paths();
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
