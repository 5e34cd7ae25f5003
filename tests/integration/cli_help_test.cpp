// What the binaries say about themselves: --help, and the hidden generator
// the build runs for the man page and completions.
#include "tools/process.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::testing;

TEST_CASE("asyncfetch --help shows that `asyncfetch urls.txt` runs fetch") {
    const auto r = run(asyncfetch_cmd({"--help"}));
    CHECK(r.status == 0);
    CHECK(r.out.find("`asyncfetch urls.txt` is `asyncfetch fetch urls.txt`") != std::string::npos);
}

TEST_CASE("asyncfetch-testserver --help prints its usage and exits 0 instead of serving") {
    const auto r = run({ASYNCFETCH_TESTSERVER_BINARY, "--help"}, "", 10);
    CHECK(r.status == 0);
    CHECK(r.out.starts_with("usage: asyncfetch-testserver"));
    const auto missing_value = run({ASYNCFETCH_TESTSERVER_BINARY, "--port"}, "", 10);
    CHECK(missing_value.status == 2);
    CHECK(missing_value.err.find("--port needs a value") != std::string::npos);
}

TEST_CASE("asyncfetch --generate writes the man page and each completion, and refuses others") {
    const auto man = run(asyncfetch_cmd({"--generate", "man"}));
    CHECK(man.status == 0);
    CHECK(man.out.find(".TH ASYNCFETCH 1") != std::string::npos);
    for (const char* shell : {"bash", "zsh", "fish"}) {
        CAPTURE(shell);
        const auto script = run(asyncfetch_cmd({"--generate", shell}));
        CHECK(script.status == 0);
        CHECK(script.out.find("concurrency") != std::string::npos);
    }
    const auto unknown = run(asyncfetch_cmd({"--generate", "powershell"}));
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("usage: asyncfetch --generate man|bash|zsh|fish") != std::string::npos);
}
