#include "asyncfetch/core/node_groups.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace asyncfetch;

namespace {
node_groups_file read(const std::string& text) {
    std::istringstream in(text);
    return read_node_groups(in);
}
} // namespace

TEST_CASE("node groups: one group a line, sets by spaces or commas, groups inside groups") {
    const auto g = read("# racks\n"
                        "web: web[01-02]\n"
                        "\n"
                        "db:  db[1-2]   db7,db9\n"
                        "all: @web @db\n");
    REQUIRE(g.problems.empty());
    auto all = nodeset::expand("@all", &g.groups);
    REQUIRE(all);
    CHECK(*all == std::vector<std::string>{"web01", "web02", "db1", "db2", "db7", "db9"});
}

TEST_CASE("node groups: mistakes are named at their line") {
    const auto g = read("web: web[1-3\n"
                        "bad name: x\n"
                        "nocolon\n"
                        "db: db1\n"
                        "db: db2\n"
                        "a: @b\n"
                        "b: @a\n"
                        "c: @nowhere\n"
                        "empty:\n"
                        "big: n[1-600000] m[1-600000]\n");
    REQUIRE(g.problems.size() == 8);
    CHECK(g.problems[0].line == 1);
    CHECK(g.problems[0].message == "missing ']' in 'web[1-3'");
    CHECK(g.problems[1].message ==
          "invalid group name 'bad name' (letters, digits, '.', '_', '-')");
    CHECK(g.problems[2].message == "expected 'NAME: NODESET...'");
    CHECK(g.problems[3].line == 5);
    CHECK(g.problems[3].message == "group 'db' is already defined at line 4");
    // The cycle is reported once, where it closes.
    CHECK(g.problems[4].line == 7);
    CHECK(g.problems[4].message == "group 'b' contains itself (through '@a')");
    CHECK(g.problems[5].line == 8);
    CHECK(g.problems[5].message == "group 'c' names unknown group '@nowhere'");
    CHECK(g.problems[6].message == "group 'empty' has no nodes");
    CHECK(g.problems[7].line == 10);
    CHECK(g.problems[7].message == "group 'big' has more than 1000000 nodes");
}

TEST_CASE("node groups: a group that doubles another at every level is refused, not built") {
    std::string text = "g0: n[1-1000]\n";
    for (int i = 1; i < 64; ++i)
        text += "g" + std::to_string(i) + ": @g" + std::to_string(i - 1) + " @g" +
                std::to_string(i - 1) + "\n";
    const auto g = read(text);
    REQUIRE(!g.problems.empty());
    CHECK(g.problems.front().message == "group 'g10' has more than 1000000 nodes");
}
