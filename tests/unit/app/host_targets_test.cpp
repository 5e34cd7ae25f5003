#include "asyncfetch/app/host_targets.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace asyncfetch;

namespace {
std::string name_of(const char* line, const char* default_user = "root") {
    auto spec = ssh::parse_host_line(line).value();
    if (spec.user.empty()) spec.user = default_user;
    if (spec.port == 0) spec.port = 22;
    return app::host_file_name(spec, default_user);
}
} // namespace

TEST_CASE("host file names: host, +port off 22, user@ off the default, IPv6 without ':'") {
    CHECK(name_of("web01") == "web01");
    CHECK(name_of("web01:2222") == "web01+2222");
    CHECK(name_of("deploy@web01") == "deploy@web01");
    CHECK(name_of("root@web01:22") == "web01");
    CHECK(name_of("[::1]:23022") == "[--1]+23022");
    CHECK(name_of("[2001:db8::5]") == "[2001-db8--5]");
    CHECK(name_of("[fe80::1%br-lan]:2200") == "[fe80--1%br-lan]+2200");
    CHECK(name_of("[::ffff:10.0.0.1]") == "[--ffff-10.0.0.1]");
}

TEST_CASE("host file names: distinct hosts never share a name (::1:2222 named two)") {
    // Before: "::1:2222" named both [::1]:2222 and [::1:2222]:22; web_2222
    // with '_' would be web:2222's name too.
    const char* lines[] = {"[::1]:2222", "[::1:2222]", "web_2222", "web:2222",
                           "web",        "a@web",      "b@web",    "a@web:2222",
                           "web.2222",   "[::1]",      "[::1]:22", "10.0.0.1:2222"};
    std::set<std::string> names;
    std::size_t distinct_hosts = 0;
    std::set<std::string> seen_hosts;
    for (const char* l : lines) {
        auto spec = ssh::parse_host_line(l).value();
        if (spec.user.empty()) spec.user = "root";
        if (spec.port == 0) spec.port = 22;
        if (seen_hosts.insert(spec.display()).second) ++distinct_hosts;
        names.insert(app::host_file_name(spec, "root"));
    }
    CHECK(names.size() == distinct_hosts);
    for (const auto& n : names)
        CHECK(n.find(':') == std::string::npos);
}

TEST_CASE("host lines: node sets expand per line, a bad one is a problem at its line") {
    input_file in;
    in.targets = {{0, 3, "web[1-2]:2222"}, {1, 4, "db[2-1]"}, {2, 5, "bad_name![1-2]"}};
    app::expand_host_lines(in, nullptr, [](std::string_view t) -> std::optional<std::string> {
        if (t.find('!') != std::string_view::npos) return "invalid host '" + std::string(t) + "'";
        return std::nullopt;
    });
    REQUIRE(in.targets.size() == 2);
    CHECK(in.targets[1].text == "web2:2222");
    CHECK(in.targets[1].line == 3);
    CHECK(in.targets[1].index == 1);
    REQUIRE(in.problems.size() == 2);
    CHECK(in.problems[0].line == 4);
    CHECK(in.problems[1].message == "invalid host 'bad_name!1' (from 'bad_name![1-2]')");
}

TEST_CASE("host lines: -x takes out a host by its name or by its whole line") {
    input_file in;
    in.targets = {{0, 1, "root@web1:2222"}, {1, 2, "web2"}, {2, 3, "web3"}, {3, 4, "u@web4"}};
    CHECK(!app::exclude_hosts(in, {"web[1-2]", "u@web4"}, nullptr));
    REQUIRE(in.targets.size() == 1);
    CHECK(in.targets[0].text == "web3");
    CHECK(in.targets[0].index == 0);
    CHECK(*app::exclude_hosts(in, {"web[1-"}, nullptr) == "-x 'web[1-': missing ']' in 'web[1-'");
}
