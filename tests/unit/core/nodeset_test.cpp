#include "asyncfetch/core/nodeset.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using names = std::vector<std::string>;

namespace {
names expand(std::string_view text) {
    auto out = nodeset::expand(text);
    REQUIRE_MESSAGE(out.ok(), out.problem());
    return *out;
}
std::string problem_of(std::string_view text) {
    return nodeset::expand(text).problem();
}
} // namespace

TEST_CASE("nodeset: ranges, lists and several brackets expand in the order written") {
    CHECK(expand("web[01-03]") == names{"web01", "web02", "web03"});
    CHECK(expand("db[1-3,7]") == names{"db1", "db2", "db3", "db7"});
    CHECK(expand("10.0.0.[8-10]") == names{"10.0.0.8", "10.0.0.9", "10.0.0.10"});
    CHECK(expand("r[1-2]n[08-09]") == names{"r1n08", "r1n09", "r2n08", "r2n09"});
    CHECK(expand("a[7,1-2]") == names{"a7", "a1", "a2"});
    CHECK(expand("x[1-9/4]") == names{"x1", "x5", "x9"});
    CHECK(expand("b,a,b[1-2]") == names{"b", "a", "b1", "b2"});
    CHECK(expand("[1-2]-z") == names{"1-z", "2-z"});
}

TEST_CASE("nodeset: a name written twice is kept once, where it first appears") {
    CHECK(expand("b2,b[1-3],a") == names{"b2", "b1", "b3", "a"});
}

TEST_CASE("nodeset: a bracket holding ':' is an IPv6 address, and user@ and :port ride along") {
    CHECK(expand("[::1]:2222") == names{"[::1]:2222"});
    CHECK(expand("root@[fe80::1%eth0]:22,root@h[1-2]:2200") ==
          names{"root@[fe80::1%eth0]:22", "root@h1:2200", "root@h2:2200"});
}

TEST_CASE("nodeset: malformed sets name the problem") {
    CHECK(problem_of("web[1-3") == "missing ']' in 'web[1-3'");
    CHECK(problem_of("web1-3]") == "']' without '[' in 'web1-3]'");
    CHECK(problem_of("web[]") == "empty brackets '[]'");
    CHECK(problem_of("web[3-1]") == "range '3-1' goes down (write 1-3)");
    CHECK(problem_of("web[1-x]") == "'x' in '[1-x]' is not a number (at most 18 digits)");
    CHECK(problem_of("web[1-]") == "'' in '[1-]' is not a number (at most 18 digits)");
    CHECK(problem_of("web[01-100]") == "the bounds of zero-padded range '01-100' differ in width");
    CHECK(problem_of("web[1-4/0]") == "step '0' in '[1-4/0]' is not a whole number above 0");
    CHECK(problem_of("a,,b") == "empty name in 'a,,b' (two commas, or one at an end)");
    CHECK(problem_of("a,") == "empty name in 'a,' (two commas, or one at an end)");
    CHECK(problem_of("a[[1]]") == "'[' inside brackets in 'a[[1]]'");
    CHECK(problem_of("@web") == "unknown group '@web' (no groups file was read)");
}

TEST_CASE("nodeset: an expansion past the limit is refused before any name is made") {
    // 10^18 names: made one by one this would never end.
    CHECK(problem_of("n[1-1000000][1-1000000][1-1000000]") ==
          "'n[1-1000000][1-1000000][1-1000000]' expands to more than 1000000 names");
    CHECK(problem_of("n[1-1000001]") == "'n[1-1000001]' expands to more than 1000000 names");
    CHECK(nodeset::expand("n[1-1000000]")->size() == 1000000);
    CHECK(!nodeset::expand("n[1-3],m[1-3]", nullptr, 5));
    CHECK(nodeset::expand("n[1-3],m[1-2]", nullptr, 5)->size() == 5);
}

TEST_CASE("nodeset: groups expand to their patterns") {
    nodeset::group_map groups;
    groups["web"] = {*nodeset::parse_pattern("web[1-2]")};
    auto out = nodeset::expand("@web,db1", &groups);
    REQUIRE(out);
    CHECK(*out == names{"web1", "web2", "db1"});
    CHECK(nodeset::expand("@db", &groups).problem() == "unknown group '@db'");
}

TEST_CASE("nodeset: folding writes ranges, keeps padding and sorts patterns") {
    const auto fold = [](names n) { return nodeset::fold(n); };
    CHECK(fold({"web01", "web02", "web03", "web07", "web09"}) == "web[01-03,07,09]");
    CHECK(fold({"web3", "web1", "web2", "web10"}) == "web[1-3,10]");
    CHECK(fold({"a08", "a09", "a10", "a11"}) == "a[08-11]");
    CHECK(fold({"web9", "web10"}) == "web[9-10]");
    CHECK(fold({"web09", "web9"}) == "web[09,9]");
    CHECK(fold({"b", "a", "c2", "c1"}) == "a,b,c[1-2]");
    CHECK(fold({"web07"}) == "web07");
    CHECK(fold({"10.0.0.1", "10.0.0.2", "10.0.0.3"}) == "10.0.0.[1-3]");
    CHECK(fold({"r1n1", "r1n2", "r2n1", "r2n2"}) == "r[1-2]n[1-2]");
    CHECK(fold({"r1n1", "r1n2", "r2n1"}) == "r1n[1-2],r2n1");
    CHECK(fold({"[::1]:2222", "[::1]:2223"}) == "[::1]:[2222-2223]");
    CHECK(fold({"a", "a"}) == "a");
    CHECK(fold({}) == "");
}

TEST_CASE("nodeset: folding then expanding gives back the same names") {
    const names all[] = {
        {"web01", "web02", "web9", "web10", "web011", "web"},
        {"r1n01", "r3n01", "r1n02", "r2n02", "x1y2z3", "x1y2z4"},
        {"10.0.1.1", "10.0.2.1", "10.0.2.2", "h", "h0", "h00", "h000"},
        {"a99", "a100", "a099", "a0100"},
    };
    for (const auto& n : all) {
        const auto folded = nodeset::fold(n);
        auto back = expand(folded);
        auto want = n;
        std::sort(back.begin(), back.end());
        std::sort(want.begin(), want.end());
        CHECK_MESSAGE(back == want, folded);
    }
}
