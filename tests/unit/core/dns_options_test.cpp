#include "asyncfetch/core/dns_options.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::dns;

namespace {

std::string servers(std::string_view text) {
    auto parsed = parse_dns_servers(text);
    if (!parsed) return "problem: " + parsed.problem();
    return parsed->csv;
}

} // namespace

TEST_CASE("parse_dns_servers writes addresses with ports, IPv6 in brackets, 53 by default") {
    CHECK(servers("127.0.0.1:5353") == "127.0.0.1:5353");
    CHECK(servers("10.0.0.1") == "10.0.0.1:53");
    CHECK(servers("[::1]:5300, 192.0.2.1") == "[::1]:5300,192.0.2.1:53");
    CHECK(servers("2001:db8::1") == "[2001:db8::1]:53");
    CHECK(servers("[2001:db8::1]") == "[2001:db8::1]:53");
}

TEST_CASE("parse_dns_servers names the entry that is wrong") {
    CHECK(servers("dns.example:53") ==
          "problem: 'dns.example:53': not an IP address (host names cannot be servers)");
    CHECK(servers("127.0.0.1:0") == "problem: '127.0.0.1:0': port must be 1-65535");
    CHECK(servers("127.0.0.1:99999") == "problem: '127.0.0.1:99999': port must be 1-65535");
    CHECK(servers("127.0.0.1:") == "problem: '127.0.0.1:': port must be 1-65535");
    CHECK(servers("[::1") == "problem: '[::1': missing ']'");
    CHECK(servers("[::1]53") == "problem: '[::1]53': expected ':PORT' after ']'");
    CHECK(servers("127.0.0.1,,10.0.0.1") == "problem: empty entry in the DNS server list");
    CHECK(servers("") == "problem: empty entry in the DNS server list");
}

TEST_CASE("parse_resolver_kind knows cares and system") {
    CHECK(*parse_resolver_kind("cares") == resolver_kind::cares);
    CHECK(*parse_resolver_kind("system") == resolver_kind::system);
    CHECK(parse_resolver_kind("bind").problem() == "unknown resolver 'bind' (use cares or system)");
}

TEST_CASE("dns_options: servers of its own need the c-ares resolver") {
    dns_options o;
    CHECK(check(o).empty());
    o.servers = "127.0.0.1:53";
    CHECK(check(o).empty());
    o.kind = resolver_kind::system;
    CHECK(check(o).find("--dns-servers needs the c-ares resolver") == 0);
}
