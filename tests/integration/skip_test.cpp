// The skip rule of tools/skip.hpp, checked on this very binary run again with
// its servers made missing (ASYNCFETCH_TEST_WITHOUT): under CI=true the tests
// fail; without CI they are skipped, and the summary counts and names them.
#include "tools/process.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace asyncfetch::testing;

namespace {

const std::string ssh_test = "ssh: agent auth through SSH_AUTH_SOCK";
const std::string redis_test = "redis: rediss:// verifies the server's certificate";

// This binary again, running only the SSH and Redis tests above.
run_result run_self(const std::string& ci) {
    const auto self = std::filesystem::read_symlink("/proc/self/exe").string();
    return run({"/usr/bin/env", "-u", "CI", ci, "ASYNCFETCH_TEST_WITHOUT=sshd redis-server", self,
                "-tc=" + ssh_test + "," + redis_test});
}

} // namespace

TEST_CASE("skipped tests: a missing server fails the test under CI and is counted otherwise") {
    SUBCASE("CI=true: both tests fail, saying why") {
        const auto r = run_self("CI=true");
        CHECK(r.status == 1);
        CHECK(r.out.find("cannot run here: sshd:") != std::string::npos);
        CHECK(r.out.find("cannot run here: redis-server:") != std::string::npos);
        CHECK(r.out.find("2 failed") != std::string::npos);
    }
    SUBCASE("no CI: both are skipped; the summary counts them; ctest sees the skip status") {
        const auto r = run_self("CI=");
        CHECK(r.status == 77);
        CHECK(r.out.find("[doctest] skipped: 2 test cases") != std::string::npos);
        CHECK(r.out.find("[doctest]   " + ssh_test + ": sshd:") != std::string::npos);
        CHECK(r.out.find("[doctest]   " + redis_test + ": redis-server:") != std::string::npos);
    }
}
