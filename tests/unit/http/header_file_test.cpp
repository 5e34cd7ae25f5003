#include "asyncfetch/http/header_file.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::http;
using asyncfetch::testing::temp_dir;

TEST_CASE("a header file: one 'Name: value' a line, comments, blank lines and CRs skipped") {
    temp_dir dir;
    const auto path =
        dir.write("h.txt", "# tokens\r\nAuthorization: Bearer abc\r\n\nX-Two:2\nX-Empty:\n");
    const auto file = read_header_file(path);
    CHECK(file.problem().empty());
    REQUIRE((*file).size() == 3);
    CHECK((*file)[0] == std::pair<std::string, std::string>{"Authorization", "Bearer abc"});
    CHECK((*file)[1] == std::pair<std::string, std::string>{"X-Two", "2"});
    CHECK((*file)[2] == std::pair<std::string, std::string>{"X-Empty", ""});
}

TEST_CASE("a malformed header line is named by FILE:LINE and never quoted") {
    temp_dir dir;
    const auto path = dir.write("h.txt", "X-Ok: 1\nBearer s3cret\nBad Name: s3cret\n");
    const auto file = read_header_file(path);
    CHECK(file.problem() == path + ":2: expected 'Name: value'");
    CHECK(read_header_file(dir.write("g.txt", "Bad Name: s3cret\n")).problem() ==
          dir.file("g.txt") + ":1: expected 'Name: value'");
    CHECK(read_header_file(dir.file("none")).problem() ==
          dir.file("none") + ": cannot read the header file");
}
