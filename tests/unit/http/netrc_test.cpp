#include "asyncfetch/http/netrc.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::http;

TEST_CASE("netrc: machine, login, password, default, macdef and quoted tokens as curl reads them") {
    const auto n = parse_netrc("machine a.example login alice password \"p a\\\"ss\"\n"
                               "macdef init\ncd /pub\nmachine trap login x password y\n\n"
                               "machine B.example\n  login bob\n  account acct password pw2\n"
                               "default login anon password guest\n",
                               "netrc");
    REQUIRE_MESSAGE(n.ok(), n.problem());
    const auto a = netrc_for(*n, "a.example");
    REQUIRE(a);
    CHECK(a->login == "alice");
    CHECK(a->password == "p a\"ss");
    const auto b = netrc_for(*n, "b.EXAMPLE"); // host names compare case-insensitively
    REQUIRE(b);
    CHECK(b->password == "pw2");
    // The macro's body is not an entry; hosts not named get the default.
    CHECK(netrc_for(*n, "trap")->login == "anon");
    CHECK(netrc_for(*n, "other")->password == "guest");
    CHECK_FALSE(netrc_for(parse_netrc("machine a login x password y", "f").value(), "b"));
}

TEST_CASE("netrc: the first entry for a host wins, a default before it does not") {
    const auto n = parse_netrc("default login d password d\nmachine h login one password 1\n"
                               "machine h login two password 2\n",
                               "f");
    REQUIRE(n.ok());
    CHECK(netrc_for(*n, "h")->login == "one");
}

TEST_CASE("a malformed netrc is named by NAME:LINE, its tokens never quoted") {
    CHECK(parse_netrc("machine a login x\npassword", "f").problem() ==
          "f:2: 'password' has no value");
    CHECK(parse_netrc("machine a\nlogin x secretword", "f").problem() ==
          "f:2: expected machine, default, login, password, account or macdef");
    CHECK(parse_netrc("\n\nmachine a password \"s3cret", "f").problem() ==
          "f:3: a quoted token is not closed");
    CHECK(parse_netrc("login x password y\n", "f").problem() ==
          "f:1: 'login' before any 'machine' or 'default'");
    CHECK(parse_netrc("", "f").ok());
    CHECK(read_netrc("/nonexistent/netrc").problem() ==
          "/nonexistent/netrc: cannot read the netrc file");
}
