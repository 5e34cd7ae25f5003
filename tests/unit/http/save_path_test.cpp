#include "asyncfetch/http/save_path.hpp"

#include "../../../src/http/download.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::http;

namespace {

std::string saved_as(const std::string& url) {
    auto parsed = parse_url(url);
    REQUIRE(parsed);
    auto path = save_path(*parsed);
    if (!path) return "refused: " + path.problem();
    return *path;
}

} // namespace

TEST_CASE("--save names files host/path as wget -x does, directories as index.html") {
    CHECK(saved_as("http://Example.ORG/a/b.txt") == "example.org/a/b.txt");
    CHECK(saved_as("https://example.org:443/a") == "example.org/a");
    CHECK(saved_as("http://example.org:8080/a") == "example.org:8080/a");
    CHECK(saved_as("http://example.org") == "example.org/index.html");
    CHECK(saved_as("http://example.org/") == "example.org/index.html");
    CHECK(saved_as("http://example.org/docs/") == "example.org/docs/index.html");
    CHECK(saved_as("http://[::1]:8080/x") == "[::1]:8080/x");
}

TEST_CASE("--save keeps the query in the name, and a segment is always one name") {
    CHECK(saved_as("http://h/a?x=1&y=2") == "h/a?x=1&y=2");
    CHECK(saved_as("http://h/?q=a/b") == "h/index.html?q=a%2Fb");
    CHECK(saved_as("http://h/a%25b") == "h/a%25b");     // '%' itself escaped back
    CHECK(saved_as("http://h/sp%20ace") == "h/sp ace"); // decoded otherwise
    CHECK(saved_as("http://h/a%0Ab") == "h/a%0Ab");     // no control bytes in names
}

TEST_CASE("--save refuses paths that would leave the directory") {
    // Dot segments are removed by normalisation; encoded ones are refused.
    const auto above_root = saved_as("http://h/a/../../etc/passwd");
    CHECK((above_root == "h/etc/passwd" || above_root.starts_with("refused: ")));
    CHECK(saved_as("http://h/%2E%2E/%2E%2E/etc/passwd").starts_with("refused: save: "));
    CHECK(saved_as("http://h/a/%2e") == "h/a/index.html"); // decoded, then removed
}

TEST_CASE("--continue reads Content-Range: where a 206 starts, the total of a 416") {
    using namespace asyncfetch::http::detail;
    CHECK(range_start("bytes 100-199/200") == 100u);
    CHECK(range_start("bytes 0-0/1") == 0u);
    CHECK_FALSE(range_start("bytes */200"));
    CHECK_FALSE(range_start("items 1-2/3"));
    CHECK_FALSE(range_start("bytes 100"));
    CHECK(unsatisfied_total("bytes */200") == 200u);
    CHECK_FALSE(unsatisfied_total("bytes */2x"));
    CHECK_FALSE(unsatisfied_total("bytes 1-2/3"));
}
