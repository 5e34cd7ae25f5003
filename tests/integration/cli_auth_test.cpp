// --user-env and --bearer-env through the real binary: the secret comes from
// the environment, goes to the URL's own origin only (never after a redirect
// to another), and is never in the record or on stderr.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

TEST_CASE("--user-env and --bearer-env: to the URL's origin only, never shown") {
    testserver::server first, other;
    temp_dir dir;
    const auto same = first.base_url() + "/echo?same";
    const auto away =
        first.base_url() + "/redirect-code/302?url=" + other.base_url() + "/echo%3Faway";
    const auto list = dir.write("urls.txt", same + "\n" + away + "\n");
    ::setenv("ASYNCFETCH_TEST_BASIC", "alice:pa55word", 1);
    ::setenv("ASYNCFETCH_TEST_TOKEN", "t0ken-value", 1);
    for (const std::string flag : {"--user-env", "--bearer-env"}) {
        CAPTURE(flag);
        const std::string var =
            flag == "--user-env" ? "ASYNCFETCH_TEST_BASIC" : "ASYNCFETCH_TEST_TOKEN";
        const std::string expected =
            flag == "--user-env" ? "Basic YWxpY2U6cGE1NXdvcmQ=" : "Bearer t0ken-value";
        auto r = run(asyncfetch_cmd({list, "-q", "--body", flag, var}));
        REQUIRE_MESSAGE(r.status == 0, r.err);
        std::map<std::string, json> echoed;
        for (auto& rec : records_of(r.out))
            echoed[rec["url"].get<std::string>()] = json::parse(rec["body"].get<std::string>());
        CHECK(echoed[same]["headers"]["Authorization"] == expected);
        CHECK_FALSE(echoed[away]["headers"].contains("Authorization"));
        CHECK(r.err.find("pa55word") == std::string::npos);
        CHECK(r.err.find("t0ken") == std::string::npos);
    }
    // A variable that is not set, or holds no user:password: exit 2, the value unshown.
    auto r = run(asyncfetch_cmd({list, "-q", "--user-env", "ASYNCFETCH_TEST_UNSET"}));
    CHECK(r.status == 2);
    CHECK(r.err.find("ASYNCFETCH_TEST_UNSET") != std::string::npos);
    r = run(asyncfetch_cmd({list, "-q", "--user-env", "ASYNCFETCH_TEST_TOKEN"}));
    CHECK(r.status == 2);
    CHECK(r.err.find("t0ken") == std::string::npos);
    ::unsetenv("ASYNCFETCH_TEST_BASIC");
    ::unsetenv("ASYNCFETCH_TEST_TOKEN");
}
