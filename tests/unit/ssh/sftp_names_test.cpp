// The rules that keep remote names from choosing local paths, without a server.
#include "asyncfetch/ssh/sftp_names.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::ssh;

TEST_CASE("remote names that could leave the local directory are refused") {
    CHECK_FALSE(unsafe_name_problem("report.txt"));
    CHECK_FALSE(unsafe_name_problem("..hidden"));
    CHECK_FALSE(unsafe_name_problem(".profile"));
    CHECK_FALSE(unsafe_name_problem("a..b"));
    CHECK(unsafe_name_problem("..").value() == "'..' names a directory itself");
    CHECK(unsafe_name_problem(".").has_value());
    CHECK(unsafe_name_problem("").value() == "empty name");
    CHECK(unsafe_name_problem("../etc").value() == "name contains '/'");
    CHECK(unsafe_name_problem("/etc/passwd").value() == "name contains '/'");
    CHECK(unsafe_name_problem("a/b").value() == "name contains '/'");
    CHECK(unsafe_name_problem(std::string_view("a\0b", 3)).value() == "name contains a NUL byte");
}

TEST_CASE("last_component is what basename prints") {
    CHECK(last_component("/var/log/syslog") == "syslog");
    CHECK(last_component("dir/") == "dir");
    CHECK(last_component("dir//") == "dir");
    CHECK(last_component("plain") == "plain");
    CHECK(last_component("/") == "");
    CHECK(last_component("//") == "");
}

TEST_CASE("temporary names are hidden siblings that say what they are") {
    CHECK(temp_name_for("data.bin", "0a1b") == ".data.bin.af-part-0a1b");
    CHECK_FALSE(unsafe_name_problem(temp_name_for("x", "1")));
}

TEST_CASE("remote paths are joined and split without doubled or lost slashes") {
    CHECK(join_remote("dir", "a.txt") == "dir/a.txt");
    CHECK(join_remote("dir/", "a.txt") == "dir/a.txt");
    CHECK(join_remote("/", "etc") == "/etc");
    CHECK(join_remote("", "a.txt") == "a.txt");
    CHECK(remote_parent("/var/log/syslog") == "/var/log");
    CHECK(remote_parent("/syslog") == "/");
    CHECK(remote_parent("syslog") == "");
    CHECK(join_remote(remote_parent("dir/a.txt"), temp_name_for("a.txt", "x")) ==
          "dir/.a.txt.af-part-x");
}
