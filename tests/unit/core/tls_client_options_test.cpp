#include "asyncfetch/core/tls_client_options.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

using namespace asyncfetch;

TEST_CASE("--tls-min takes 1.2 or 1.3 and nothing else") {
    CHECK(*parse_tls_version("1.2") == TLS1_2_VERSION);
    CHECK(*parse_tls_version("1.3") == TLS1_3_VERSION);
    for (const char* text : {"1.1", "1.0", "", "1.3 ", "TLSv1.3", "13"}) {
        CAPTURE(text);
        CHECK(parse_tls_version(text).problem() ==
              "'" + std::string(text) + "' is not a TLS version (1.2 or 1.3)");
    }
}

TEST_CASE("client options that cannot be used say what is wrong") {
    CHECK(check_tls_client_options({}));
    tls_client_options key_only;
    key_only.key_file = "/etc/hostname";
    CHECK(check_tls_client_options(key_only).problem() ==
          "a key (--key) needs its certificate (--cert)");
    tls_client_options missing;
    missing.cert_file = "/nonexistent/client.pem";
    CHECK(check_tls_client_options(missing).problem().starts_with(
        "no usable certificate in '/nonexistent/client.pem'"));
}
