#include "asyncfetch/ssh/hosts.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::ssh;

TEST_CASE("hosts lines: [user@]host[:port], IPv6 in brackets") {
    auto a = parse_host_line("web1");
    REQUIRE(a);
    CHECK(a->user.empty());
    CHECK(a->host == "web1");
    CHECK(a->port == 0);

    auto b = parse_host_line("deploy@10.0.0.5:2222");
    REQUIRE(b);
    CHECK(b->user == "deploy");
    CHECK(b->host == "10.0.0.5");
    CHECK(b->port == 2222);

    auto c = parse_host_line("root@[::1]:2200");
    REQUIRE(c);
    CHECK(c->host == "::1");
    CHECK(c->port == 2200);
    CHECK(c->display() == "root@[::1]:2200");

    auto d = parse_host_line("[fe80::1]");
    REQUIRE(d);
    CHECK(d->port == 0);
}

TEST_CASE("hosts lines: problems are named") {
    CHECK(parse_host_line("user@").problem().find("invalid host name") != std::string::npos);
    CHECK(parse_host_line("@host").problem().find("empty user") != std::string::npos);
    CHECK(parse_host_line("host:0").problem().find("invalid port") != std::string::npos);
    CHECK(parse_host_line("host:70000").problem().find("invalid port") != std::string::npos);
    CHECK(parse_host_line("host:").problem().find("empty port") != std::string::npos);
    CHECK(parse_host_line("::1").problem().find("brackets") != std::string::npos);
    CHECK(parse_host_line("[::1").problem().find("missing ']'") != std::string::npos);
    CHECK(parse_host_line("[nothex]").problem().find("invalid IPv6") != std::string::npos);
    CHECK(parse_host_line("a b").problem().find("white space") != std::string::npos);
    CHECK(parse_host_line("ho$t").problem().find("invalid host name") != std::string::npos);
}

TEST_CASE("hosts lines: a password is refused and never shown") {
    for (const char* line : {"alice:s3cret@db", "alice:s3cret@db:2222", "alice:p@ss:w0rd@[::1]:22",
                             ":s3cret@db", "alice:s3cret@db with blanks"}) {
        const auto parsed = parse_host_line(line);
        CHECK_FALSE(parsed);
        CHECK(parsed.problem().find("a password in a hosts line is refused") == 0);
        const auto shown = printable_host_line(line);
        CHECK(shown.find("s3cret") == std::string::npos);
        CHECK(shown.find("p@ss") == std::string::npos);
        CHECK(shown.find(":***@") != std::string::npos);
    }
    CHECK(printable_host_line("alice:s3cret@db:2222") == "alice:***@db:2222");
    CHECK(printable_host_line("alice@db:2222") == "alice@db:2222"); // a port is no password
    CHECK(printable_host_line("[::1]:22") == "[::1]:22");
    CHECK(parse_host_line("alice@[::1]:22"));
}

TEST_CASE("hosts lines: names that would name files elsewhere are refused") {
    CHECK_FALSE(parse_host_line("[::1%/../../x]:1"));
    CHECK_FALSE(parse_host_line("[::1%..]:1"));
    CHECK_FALSE(parse_host_line("[::1%]:1"));
    CHECK(parse_host_line("[fe80::1%eth0]:22"));
    CHECK_FALSE(parse_host_line("../../tmp/k@host"));
    CHECK_FALSE(parse_host_line("a b@host"));
    CHECK(parse_host_line("deploy.user-1@host"));
}

TEST_CASE("jump hosts: -J's list, the first hop first, none is no hop, each hop checked") {
    auto hops = parse_jump_hosts("bob@gw:2200,[::1]:22,inner");
    REQUIRE(hops);
    REQUIRE(hops->size() == 3);
    CHECK((*hops)[0].display() == "bob@gw:2200");
    CHECK((*hops)[1].host == "::1");
    CHECK((*hops)[2].port == 0);
    REQUIRE(parse_jump_hosts("none"));
    CHECK(parse_jump_hosts("none")->empty());
    CHECK(parse_jump_hosts("").problem().find("jump host ''") != std::string::npos);
    CHECK(parse_jump_hosts("a,,b").problem().find("jump host ''") != std::string::npos);
    CHECK(parse_jump_hosts("a,b:0").problem().find("invalid port") != std::string::npos);
    const auto secret = parse_jump_hosts("gw,u:hunter2@b").problem();
    CHECK(secret.find("hunter2") == std::string::npos);
    CHECK(parse_jump_hosts("a,b,c,d,e,f,g,h,i").problem().find("more than 8") != std::string::npos);
}
