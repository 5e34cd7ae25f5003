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

TEST_CASE("read_targets skips a UTF-8 byte order mark on line 1 only") {
    std::istringstream in("\xEF\xBB\xBFhttp://a/\n\xEF\xBB\xBFhttp://b/\n");
    auto f = read_targets(in, [](std::string_view s) -> std::optional<std::string> {
        if (s.rfind("http://", 0) != 0) return "not a URL";
        return std::nullopt;
    });
    REQUIRE(f.targets.size() == 1);
    CHECK(f.targets[0].text == "http://a/");
    REQUIRE(f.problems.size() == 1); // a BOM anywhere else is part of the line
    CHECK(f.problems[0].line == 2);
}

TEST_CASE("read_targets_file: a directory is no list (a problem at line 0), not an empty one") {
    const auto f = read_targets_file("/tmp", nullptr);
    CHECK(f.targets.empty());
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].line == 0);
    CHECK(format_problems("/tmp", f.problems) == "/tmp: is a directory, not a list of targets\n");
}

TEST_CASE("format_problems escapes control characters: no raw ESC reaches the terminal") {
    const std::vector<input_problem> problems{
        {3, "'\x1b]0;pwned\x07\x1b[2J' is not a URL\r", "\x1b[2J"}};
    const auto text = format_problems("urls\x1b.txt", problems);
    CHECK(text == "urls\\x1b.txt:3: '\\x1b]0;pwned\\x07\\x1b[2J' is not a URL\\x0d\n");
    for (const char c : text.substr(0, text.size() - 1))
        CHECK(static_cast<unsigned char>(c) >= 0x20);
}

TEST_CASE("read_targets: a line longer than any target stops the read, naming the line") {
    std::istringstream in("http://a/\n" + std::string(max_target_line + 1, 'x') + "\nhttp://b/\n");
    const auto file = read_targets(in, nullptr);
    CHECK(file.targets.size() == 1);
    REQUIRE(file.problems.size() == 1);
    CHECK(file.problems[0].line == 0); // the file as a whole is not a list
    CHECK(file.problems[0].message == "line 2 is longer than " + std::to_string(max_target_line) +
                                          " bytes; nothing past it was read");
    // A line of exactly the limit is read.
    std::istringstream fits(std::string(max_target_line, 'y'));
    CHECK(read_targets(fits, nullptr).targets.size() == 1);
}

TEST_CASE("read_targets: lines at the limit, a NUL inside a line and a last line without "
          "a newline") {
    std::istringstream in(std::string(max_target_line, 'y') + "\nhttp://a/\n" +
                          std::string("http://b/\0x", 11) + "\n\nhttp://c/");
    const auto file = read_targets(in, nullptr);
    REQUIRE(file.problems.empty());
    REQUIRE(file.targets.size() == 4);
    CHECK(file.targets[0].text.size() == max_target_line);
    CHECK(file.targets[1].text == "http://a/");
    CHECK(file.targets[2].text == std::string("http://b/\0x", 11));
    CHECK(file.targets[3].text == "http://c/");
    CHECK(file.targets[3].line == 5);
}

TEST_CASE("read_targets_file: /dev/zero is refused at once, not read forever") {
    const auto file = read_targets_file("/dev/zero", nullptr);
    REQUIRE(!file.problems.empty());
    CHECK(file.problems[0].line == 0);
}
