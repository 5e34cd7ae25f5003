// libssh2's errors in words for a record: never a bare code.
#include "asyncfetch/ssh/error.hpp"

#include <doctest/doctest.h>
#include <libssh2.h>

using namespace asyncfetch::ssh;

TEST_CASE("ssh errors: a banner never received says the server closed before SSH began") {
    CHECK(libssh2_text(LIBSSH2_ERROR_SOCKET_RECV, "Failed getting banner") ==
          "the server closed the connection before SSH began");
    CHECK(libssh2_text(LIBSSH2_ERROR_BANNER_RECV, "") ==
          "the server closed the connection before SSH began");
}

TEST_CASE("ssh errors: libssh2's words with the code's meaning, never the number") {
    const auto text = libssh2_text(LIBSSH2_ERROR_KEX_FAILURE, "Unable to exchange encryption keys");
    CHECK(text == "Unable to exchange encryption keys (key exchange failed)");
    CHECK(libssh2_text(-4242, "Something odd") == "Something odd");
    CHECK(libssh2_text(LIBSSH2_ERROR_SOCKET_DISCONNECT, "") == "connection closed by the server");
    CHECK(libssh2_text(LIBSSH2_ERROR_SOCKET_RECV, "x").find("-43") == std::string::npos);
}
