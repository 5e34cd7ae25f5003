#include "asyncfetch/core/secret_source.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace asyncfetch;

TEST_CASE("secrets from the environment or a file, and a problem never holds the secret") {
    ::setenv("ASYNCFETCH_TEST_SECRET", "s3cret", 1);
    CHECK(*secret_from_env("ASYNCFETCH_TEST_SECRET") == "s3cret");
    ::unsetenv("ASYNCFETCH_TEST_SECRET");
    CHECK(secret_from_env("ASYNCFETCH_TEST_SECRET").problem() ==
          "environment variable ASYNCFETCH_TEST_SECRET is not set");
    testing::temp_dir dir;
    CHECK(*secret_from_file(dir.write("pw", "s3cret\nsecond line\n")) == "s3cret");
    CHECK(secret_from_file(dir.file("none")).problem() == "cannot read '" + dir.file("none") + "'");
}

TEST_CASE("parsed<T>: a value, or the problem with the text") {
    parsed<int> good = 3;
    CHECK(good);
    CHECK(*good == 3);
    CHECK(good.problem().empty());
    parsed<std::string> bad = problem("'x' is not a size");
    CHECK_FALSE(bad);
    CHECK(bad.problem() == "'x' is not a size");
}
