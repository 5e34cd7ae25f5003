#include "asyncfetch/app/local.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::app;
using words = std::vector<std::string>;

namespace {
words argv_for(words command, std::string_view target, bool shell = false) {
    local_config c;
    c.command = std::move(command);
    c.shell = shell;
    auto argv = command_for(c, target);
    REQUIRE_MESSAGE(argv, argv.problem());
    return *argv;
}
} // namespace

TEST_CASE("command_for: placeholders inside words, each word one argument") {
    CHECK(argv_for({"curl", "-o", "{host}.html", "{url}"}, "https://a.example/x?q=1&r=2") ==
          words{"curl", "-o", "a.example.html", "https://a.example/x?q=1&r=2"});
    CHECK(argv_for({"ping", "-c1", "{host}"}, "root@[::1]:2222") == words{"ping", "-c1", "::1"});
    CHECK(argv_for({"echo"}, "a; b") == words{"echo", "a; b"}); // appended
    CHECK(argv_for({"echo", "{{}", "${HOME}", "{1..3}", "{print $1}"}, "t") ==
          words{"echo", "{}", "${HOME}", "{1..3}", "{print $1}", "t"});
}

TEST_CASE("command_for: --shell quotes each substitution") {
    CHECK(argv_for({"echo", "{}", "|", "wc"}, "it's $(x)", true) ==
          words{"/bin/sh", "-c", "echo 'it'\\''s $(x)' | wc", "sh"});
}

TEST_CASE("command_problem and targets that do not fit") {
    CHECK(command_problem({"echo", "{hots}"})->find("unknown placeholder {hots}") == 0);
    CHECK(command_problem({}));
    CHECK_FALSE(command_problem({"echo", "{}"}));
    local_config c;
    c.command = {"echo", "{url}"};
    CHECK(command_for(c, "host1").problem() == "'host1' is not an http(s) URL (for {url})");
    c.command = {"echo", "{host}"};
    CHECK(command_for(c, "a b").problem() == "no host in 'a b' for {host}");
}
