#include "asyncfetch/core/target.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace asyncfetch;

TEST_CASE("read_targets skips blanks and comments, trims, keeps line numbers") {
    std::istringstream in("# header\n\n  http://a/  \n\t# indented comment\nhttp://b/#frag\r\n");
    auto f = read_targets(in, nullptr);
    REQUIRE(f.targets.size() == 2);
    CHECK(f.targets[0].text == "http://a/");
    CHECK(f.targets[0].line == 3);
    CHECK(f.targets[0].index == 0);
    CHECK(f.targets[1].text == "http://b/#frag"); // '#' inside a line is not a comment
    CHECK(f.targets[1].line == 5);
    CHECK(f.problems.empty());
}

TEST_CASE("read_targets reports rejected lines with their numbers and text") {
    std::istringstream in("good\nbad one\ngood\n");
    auto f = read_targets(in, [](std::string_view s) -> std::optional<std::string> {
        if (s.find(' ') != std::string_view::npos) return "contains a space";
        return std::nullopt;
    });
    CHECK(f.targets.size() == 2);
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].line == 2);
    CHECK(f.problems[0].text == "bad one");
    CHECK(format_problems("urls.txt", f.problems) == "urls.txt:2: contains a space\n");
}

TEST_CASE("an unreadable file is one problem naming the reason") {
    auto f = read_targets_file("/nonexistent/urls.txt", nullptr);
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].line == 0);
    CHECK(format_problems("/nonexistent/urls.txt", f.problems).find("No such file") !=
          std::string::npos);
}
