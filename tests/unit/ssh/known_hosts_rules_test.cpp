// OpenSSH's known_hosts rules, line by line (the real `ssh` decides the same
// cases in integration/ssh_known_hosts_test.cpp).
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/known_hosts_rules.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace asyncfetch::ssh;

namespace {

// Keys made with ssh-keygen; the hashed lines with `ssh-keygen -H`.
const std::string key_a = "AAAAC3NzaC1lZDI1NTE5AAAAIGzh8ObbbzqjpzVeVd0m8HUI2tyzFGu0cyj7oFKHQhdD";
const std::string key_b = "AAAAC3NzaC1lZDI1NTE5AAAAIFc2+f35ITipCT7q5oZU/brFTcay/eT47G7yrMp994Hr";
const std::string key_c =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLdcKXpi7bP6SjEHxdpcv1"
    "kIw5LjkrGHezFdoI9vmPWb8G8K0A4SUzjD881DIkS2iULErCDS3mtYewGCtdoTLag=";
const std::string hashed_port_2222 = "|1|ucyFlLqbvRFN54fpHmE+6wsHi5c=|3e2wAYoAE2oozr3kaiCQ1JT7FM8=";
const std::string hashed_example = "|1|zjMj7c71YzhwkqsZKje8cLOOROo=|jud+QJtlg60eF4JtLsE+egdyjSM=";

std::string blob(const std::string& b64) {
    return base64_decode(b64).value();
}

std::vector<known_host_line> lines_of(const std::vector<std::string>& texts) {
    std::vector<known_host_line> out;
    for (const auto& t : texts)
        if (auto line = parse_known_hosts_line(t)) out.push_back(*line);
    return out;
}

host_key_status status(const std::vector<std::string>& texts, const std::string& key,
                       std::uint16_t port = 2222, const std::string& host = "127.0.0.1") {
    const auto lines = lines_of(texts);
    return decide_host_key(lines, host, port, blob(key)).status;
}

} // namespace

TEST_CASE("known_hosts line: the forms OpenSSH reads") {
    auto plain = parse_known_hosts_line("host1,host2 ssh-ed25519 " + key_a + " a comment");
    REQUIRE(plain);
    CHECK(plain->marker == host_marker::none);
    CHECK(plain->names == "host1,host2");
    CHECK(plain->key_type == "ssh-ed25519");
    CHECK(plain->key == blob(key_a));
    CHECK(key_blob_type(plain->key) == "ssh-ed25519");

    CHECK(parse_known_hosts_line(" \thost ssh-ed25519 " + key_a)); // leading blanks
    auto crlf = parse_known_hosts_line("host ssh-ed25519 " + key_a + "\r");
    REQUIRE(crlf);
    CHECK(crlf->key == blob(key_a)); // not a different key
    CHECK(parse_known_hosts_line("host\tssh-ed25519\t" + key_a + "\r"));

    auto revoked = parse_known_hosts_line("@revoked * ssh-ed25519 " + key_a);
    REQUIRE(revoked);
    CHECK(revoked->marker == host_marker::revoked);
    CHECK(revoked->names == "*");
    auto ca = parse_known_hosts_line("@cert-authority *.example.com ssh-ed25519 " + key_a);
    REQUIRE(ca);
    CHECK(ca->marker == host_marker::cert_authority);
}

TEST_CASE("known_hosts line: what OpenSSH skips") {
    CHECK_FALSE(parse_known_hosts_line(""));
    CHECK_FALSE(parse_known_hosts_line("   \r"));
    CHECK_FALSE(parse_known_hosts_line("# host ssh-ed25519 " + key_a));
    CHECK_FALSE(parse_known_hosts_line("@bogus host ssh-ed25519 " + key_a));
    CHECK_FALSE(parse_known_hosts_line("@revoked @revoked host ssh-ed25519 " + key_a));
    CHECK_FALSE(parse_known_hosts_line("@revoked"));
    CHECK_FALSE(parse_known_hosts_line("host"));
    CHECK_FALSE(parse_known_hosts_line("host ssh-ed25519"));
    CHECK_FALSE(parse_known_hosts_line("host # ssh-ed25519 " + key_a));
    CHECK_FALSE(parse_known_hosts_line("host ssh-foo " + key_a));       // unknown type
    CHECK_FALSE(parse_known_hosts_line("host ssh-ed25519 not*base64")); // not base64
    CHECK_FALSE(
        parse_known_hosts_line("host ecdsa-sha2-nistp256 " + key_a)); // blob of another type
    CHECK_FALSE(parse_known_hosts_line("host ssh-ed25519 " + key_c));
}

TEST_CASE("known_hosts names: [host]:port off port 22, lower case") {
    CHECK(known_hosts_name("Example.COM", 22) == "example.com");
    CHECK(known_hosts_name("example.com", 2222) == "[example.com]:2222");
    CHECK(known_hosts_name("::1", 22) == "::1");
    CHECK(known_hosts_name("::1", 2222) == "[::1]:2222");
}

TEST_CASE("glob patterns: '*' and '?' as OpenSSH's match_pattern") {
    CHECK(glob_matches("web1.example.com", "*.example.com"));
    CHECK(glob_matches("web1.example.com", "web?.example.com"));
    CHECK_FALSE(glob_matches("web10.example.com", "web?.example.com"));
    CHECK(glob_matches("[127.0.0.1]:2222", "[127.0.0.?]:2222"));
    CHECK(glob_matches("", "*"));
    CHECK_FALSE(glob_matches("", "?"));
    CHECK(glob_matches("abc", "a**c"));
    CHECK_FALSE(glob_matches("abc", "ab"));
    CHECK_FALSE(glob_matches("ab", "abc"));
    // Backtracking stays linear: this answer comes at once.
    CHECK_FALSE(glob_matches(std::string(5000, 'a'), std::string(50, '*') + "b"));
    CHECK_FALSE(glob_matches(std::string(5000, 'a'), "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
}

TEST_CASE("known_hosts names: pattern lists, negation, hashed entries") {
    CHECK(names_match("a.example.com,b.example.com", "b.example.com"));
    CHECK(names_match("*.EXAMPLE.com", "b.example.com")); // patterns compare in lower case
    CHECK_FALSE(names_match("*.example.com", "example.com"));
    // A matching negated pattern excludes the line, whatever else matches.
    CHECK_FALSE(names_match("*.example.com,!b.example.com", "b.example.com"));
    CHECK_FALSE(names_match("!b.example.com,*", "b.example.com"));
    CHECK(names_match("*.example.com,!b.example.com", "a.example.com"));
    CHECK_FALSE(names_match("!b.example.com", "a.example.com")); // a negation alone names nothing
    CHECK_FALSE(names_match(std::string(1100, '*'), "a")); // OpenSSH ignores over-long patterns

    CHECK(names_match(hashed_port_2222, "[127.0.0.1]:2222"));
    CHECK_FALSE(names_match(hashed_port_2222, "127.0.0.1"));
    CHECK_FALSE(names_match(hashed_port_2222, "[127.0.0.1]:2223"));
    CHECK(names_match(hashed_example, "example.com"));
    CHECK_FALSE(names_match("|1|bm90MjBieXRlcw==|3e2wAYoAE2oozr3kaiCQ1JT7FM8=", "example.com"));
    CHECK_FALSE(names_match("|2|x|y", "example.com"));
    CHECK_FALSE(names_match("|1|", "example.com"));
}

TEST_CASE("host key decision: known, changed, unknown") {
    const std::string line_a = "[127.0.0.1]:2222 ssh-ed25519 " + key_a;
    CHECK(status({line_a}, key_a) == host_key_status::known);
    CHECK(status({line_a}, key_b) == host_key_status::changed);
    CHECK(status({}, key_a) == host_key_status::unknown);
    CHECK(status({"[127.0.0.1]:2223 ssh-ed25519 " + key_b}, key_a) == host_key_status::unknown);
    // Another key type known for the host: changed too (OpenSSH asks for the
    // known type first, so this means the server no longer has it).
    CHECK(status({"[127.0.0.1]:2222 ecdsa-sha2-nistp256 " + key_c}, key_a) ==
          host_key_status::changed);
    // One matching line among several is enough.
    CHECK(status({"[127.0.0.1]:2222 ssh-ed25519 " + key_b, line_a}, key_a) ==
          host_key_status::known);
    CHECK(status({hashed_port_2222 + " ssh-ed25519 " + key_a}, key_a) == host_key_status::known);
    CHECK(status({hashed_port_2222 + " ssh-ed25519 " + key_a}, key_b) == host_key_status::changed);
    CHECK(status({line_a + "\r"}, key_a) == host_key_status::known);
}

TEST_CASE("host key decision: wildcards and negation") {
    CHECK(status({"* ssh-ed25519 " + key_b}, key_a) == host_key_status::changed);
    CHECK(status({"[127.0.0.?]:2222 ssh-ed25519 " + key_a}, key_a) == host_key_status::known);
    CHECK(status({"*,![127.0.0.1]:2222 ssh-ed25519 " + key_b}, key_a) == host_key_status::unknown);
    CHECK(status({"*,![127.0.0.1]:2222 ssh-ed25519 " + key_b, "* ssh-ed25519 " + key_a}, key_a) ==
          host_key_status::known);
}

TEST_CASE("host key decision: @revoked is refused whatever else matches") {
    const std::string line_a = "[127.0.0.1]:2222 ssh-ed25519 " + key_a;
    const std::string revoked_a = "@revoked * ssh-ed25519 " + key_a;
    CHECK(status({line_a, revoked_a}, key_a) == host_key_status::revoked);
    CHECK(status({revoked_a}, key_a) == host_key_status::revoked);
    CHECK(status({revoked_a, line_a}, key_b) == host_key_status::changed);
    CHECK(status({"@revoked example.com ssh-ed25519 " + key_a}, key_a) ==
          host_key_status::unknown); // revoked for another host only
    const auto lines = lines_of({line_a, revoked_a});
    const auto d = decide_host_key(lines, "127.0.0.1", 2222, blob(key_a));
    REQUIRE(d.line);
    CHECK(d.line->marker == host_marker::revoked);
}

TEST_CASE("host key decision: @cert-authority lines alone leave the host unknown") {
    const std::string ca = "@cert-authority * ssh-ed25519 " + key_b;
    CHECK(status({ca}, key_a) == host_key_status::cert_authority_only);
    CHECK(status({ca}, key_b) == host_key_status::cert_authority_only); // a CA is no host key
    CHECK(status({ca, "* ssh-ed25519 " + key_a}, key_a) == host_key_status::known);
    CHECK(status({ca, "* ssh-ed25519 " + key_b}, key_a) == host_key_status::changed);
}

TEST_CASE("host key decision: off port 22, a line for the bare host counts only if it matches") {
    CHECK(status({"127.0.0.1 ssh-ed25519 " + key_a}, key_a) == host_key_status::known);
    CHECK(status({"127.0.0.1 ssh-ed25519 " + key_b}, key_a) == host_key_status::unknown);
    CHECK(status({"127.0.0.1 ssh-ed25519 " + key_b}, key_a, 22) == host_key_status::changed);
    CHECK(status({"[127.0.0.1]:2222 ssh-ed25519 " + key_b, "127.0.0.1 ssh-ed25519 " + key_a},
                 key_a) == host_key_status::changed); // the port's own line decides
    // Stricter than OpenSSH, which would take the host as unknown here.
    CHECK(status({"@revoked 127.0.0.1 ssh-ed25519 " + key_a}, key_a) == host_key_status::revoked);
}

TEST_CASE("host key methods: the known types first, in OpenSSH's order") {
    const auto lines = lines_of({"[127.0.0.1]:2222 ecdsa-sha2-nistp256 " + key_c,
                                 "@revoked * ssh-ed25519 " + key_b, "* ssh-ed25519 " + key_a,
                                 "127.0.0.1 ssh-ed25519 " + key_b});
    CHECK(known_key_types(lines, "127.0.0.1", 2222) ==
          std::vector<std::string>{"ecdsa-sha2-nistp256", "ssh-ed25519"});
    CHECK(known_key_types(lines, "10.0.0.1", 22) == std::vector<std::string>{"ssh-ed25519"});
    CHECK(hostkey_method_preference({}) ==
          "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
          "rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-dss");
    CHECK(hostkey_method_preference({"ecdsa-sha2-nistp256"}) ==
          "ecdsa-sha2-nistp256,ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
          "rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-dss");
    CHECK(hostkey_method_preference({"ssh-rsa", "ssh-ed25519"}) ==
          "ssh-ed25519,rsa-sha2-512,rsa-sha2-256,ssh-rsa,ecdsa-sha2-nistp256,"
          "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-dss");
}
