// What the binaries say about themselves: --help, and the hidden generator
// the build runs for the man page and completions.
#include "tools/process.hpp"

#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

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

namespace {

// The long options of one `asyncfetch COMMAND --help` ("--urls" of
// "  -n,--urls UINT=50  How many URLs"), --help left out.
std::set<std::string> help_options(const std::string& help) {
    std::set<std::string> names;
    const std::regex option(R"(^  (?:-\w,)?(--[\w.-]+))");
    std::smatch m;
    for (const auto& line : lines_of(help))
        if (std::regex_search(line, m, option) && m[1] != "--help") names.insert(m[1]);
    return names;
}

// The long options the man page lists under each command's section.
std::map<std::string, std::set<std::string>> man_options(const std::string& man) {
    std::map<std::string, std::set<std::string>> by_command;
    const std::regex section(R"re(^\.SS "asyncfetch (\w+)")re"),
        option(R"(\\fB\\-\\-([\w.\\-]+)\\fR)");
    std::set<std::string>* current = nullptr;
    for (const auto& line : lines_of(man)) {
        std::smatch m;
        if (std::regex_search(line, m, section))
            current = &by_command[m[1]];
        else if (line.starts_with(".SH"))
            current = nullptr;
        else if (current && line.starts_with("\\fB\\-"))
            for (std::sregex_iterator it(line.begin(), line.end(), option), end; it != end; ++it)
                current->insert("--" +
                                std::regex_replace((*it)[1].str(), std::regex(R"(\\-)"), "-"));
    }
    return by_command;
}

} // namespace

// Only the command named gets its options defined (start-up cost); the man
// page is written with every command defined. They must agree.
TEST_CASE("each command's --help lists the options the man page gives that command") {
    const auto man = run(asyncfetch_cmd({"--generate", "man"}));
    REQUIRE(man.status == 0);
    const auto sections = man_options(man.out);
    REQUIRE(sections.size() >= 12);
    for (const auto& [command, options] : sections) {
        CAPTURE(command);
        const auto help = run(asyncfetch_cmd({command, "--help"}));
        CHECK(help.status == 0);
        CHECK(!options.empty());
        CHECK(help_options(help.out) == options);
    }
}
