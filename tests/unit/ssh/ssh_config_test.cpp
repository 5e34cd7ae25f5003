// ssh_config reading where `ssh -G` cannot be the judge (it reads the real
// home directory): relative Includes, permissions, recursion, sizes, the
// messages, and the Match criteria asyncfetch does not evaluate.
#include "asyncfetch/ssh/ssh_config.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>

using namespace asyncfetch;
using namespace asyncfetch::ssh;
using asyncfetch::testing::temp_dir;

namespace {

std::optional<host_config> resolve(const config_file& file, const std::string& host,
                                   const config_context& context) {
    auto out = resolve_host(std::span(&file, 1), host, context);
    INFO(out.problem());
    if (!out) return std::nullopt;
    return std::move(out).value();
}

} // namespace

TEST_CASE("ssh_config: a relative Include is under ~/.ssh for a user's file, /etc/ssh otherwise") {
    temp_dir home;
    std::filesystem::create_directories(home.file(".ssh"));
    home.write(".ssh/extra.conf", "Host web*\n Port 2022\n");
    const config_context context{home.path(), "alice"};
    const auto user = config_file::parse("Include extra.conf\n", "cfg", true, context);
    REQUIRE_MESSAGE(user, user.problem());
    CHECK(resolve(*user, "web1", context)->port == 2022);
    CHECK_FALSE(resolve(*user, "db", context)->port);
    const auto system = config_file::parse("Include extra.conf\n", "cfg", false, context);
    REQUIRE(system);
    CHECK_FALSE(resolve(*system, "web1", context)->port); // /etc/ssh/extra.conf: not there
}

TEST_CASE("ssh_config: tokens and ~ in known-hosts paths use the resolved host, port and user") {
    const config_context context{"/home/alice", "alice"};
    const auto file = config_file::parse(
        "Host Web1\n HostName web1.Example\n User deploy\n Port 2200\n"
        " UserKnownHostsFile ~/kh/%h_%p_%r %d/%n_%u_%%\n IdentityAgent ~/agent.%h\n",
        "cfg", true, context);
    REQUIRE_MESSAGE(file, file.problem());
    const auto c = resolve(*file, "Web1", context);
    REQUIRE(c);
    CHECK(c->hostname == "web1.example");
    CHECK(*c->user_known_hosts_files ==
          std::vector<std::string>{"/home/alice/kh/web1.example_2200_deploy",
                                   "/home/alice/Web1_alice_%"});
    CHECK(*c->identity_agent == "/home/alice/agent.web1.example");
}

TEST_CASE("ssh_config: problems name FILE:LINE and what is wrong") {
    const config_context context{"/home/alice", "alice"};
    const auto problem_of = [&](const char* text, const char* name) {
        return config_file::parse(text, name, true, context).problem();
    };
    CHECK(problem_of("Host a\n\n  Port 99999\n", "my.conf") == "my.conf:3: Bad port '99999'.");
    CHECK(problem_of("# c\nColour blue\n", "my.conf") ==
          "my.conf:2: Bad configuration option: colour");
    CHECK(problem_of("Match exec \"true\"\n", "my.conf")
              .starts_with("my.conf:1: Match exec is not supported"));
    CHECK(problem_of("Match canonical\n", "my.conf")
              .starts_with("my.conf:1: Match canonical is not supported"));
    CHECK(
        problem_of("Match localnetwork 10.0.0.0/8\n", "f").find("localnetwork is not supported") !=
        std::string::npos);
    // A token a keyword does not have is the host's problem, found when resolved.
    const auto file = config_file::parse("UserKnownHostsFile /k_%z\n", "f", true, context);
    REQUIRE(file);
    const auto resolved = resolve_host(std::span(&*file, 1), "h", context);
    CHECK_FALSE(resolved);
    CHECK(resolved.problem() == "ssh_config for h: token %z in \"/k_%z\" is not supported");
}

TEST_CASE("ssh_config: an Include of itself stops at OpenSSH's depth, saying so") {
    temp_dir dir;
    const auto path = dir.write("loop.conf", "Include " + dir.file("loop.conf") + "\n");
    const auto looped = config_file::read(path, false, {dir.path(), "alice"});
    CHECK_FALSE(looped);
    CHECK(looped.problem().find("too many recursive configuration includes") != std::string::npos);
}

TEST_CASE("ssh_config: a missing file is no config, a huge one is refused, and so is a "
          "~/.ssh/config others may write") {
    temp_dir home;
    const config_context context{home.path(), "alice"};
    const auto missing = config_file::read(home.file("none"), true, context);
    REQUIRE(missing);
    CHECK(missing->lines().empty());
    const auto big = home.write("big.conf", std::string(2 << 20, '#'));
    CHECK(config_file::read(big, true, context).problem().find("larger than") != std::string::npos);
    std::filesystem::create_directories(home.file(".ssh"));
    const auto user_file = home.write(".ssh/config", "Port 2\n");
    ::chmod(user_file.c_str(), 0666);
    CHECK(config_file::read(user_file, true, context).problem().find("bad owner or permissions") !=
          std::string::npos);
    ::chmod(user_file.c_str(), 0644);
    CHECK(config_file::read(user_file, true, context));
}

TEST_CASE("ssh_config: the user's file wins over the system's, each starting outside any block") {
    const config_context context{"/home/alice", "alice"};
    std::vector<config_file> files;
    files.push_back(config_file::parse("Host other\n Port 1\n", "user", true, context).value());
    files.push_back(config_file::parse("Port 2\nUser sys\n", "system", false, context).value());
    const auto c = resolve_host(files, "web1", context);
    REQUIRE(c);
    CHECK(c->port == 2); // the system file starts applying again at its top
    CHECK(c->user == "sys");
}

TEST_CASE("ssh_config: a FIFO is refused at once, and so is more than 16 MiB over the includes") {
    temp_dir dir;
    const config_context context{dir.path(), "alice"};
    const auto fifo = dir.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(config_file::read(fifo, false, context).problem().find("not a regular file") !=
          std::string::npos);
    const auto included = config_file::parse("Include " + fifo + "\n", "f", false, context);
    CHECK(included.problem().find("not a regular file") != std::string::npos);
    // 900 KiB of comments, included 20 times by one line.
    const auto big = dir.write("big.conf", std::string(900 << 10, '#'));
    std::string includes = "Include";
    for (int i = 0; i < 20; ++i)
        includes += " " + big;
    CHECK(config_file::parse(includes + "\n", "f", false, context)
              .problem()
              .find("MiB read over the files included") != std::string::npos);
}

TEST_CASE("ssh_config: an empty argument is refused") {
    const config_context context{"/home/alice", "alice"};
    CHECK(config_file::parse("User \"\"\n", "f", true, context).problem() ==
          "f:1: keyword user empty argument");
    CHECK(config_file::parse("UserKnownHostsFile a \"\"\n", "f", true, context).problem() ==
          "f:1: keyword userknownhostsfile empty argument");
}
