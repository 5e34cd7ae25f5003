// How a host is reached: the hosts line, then flags given, then ssh_config,
// then the defaults (no sockets; the files parsed from text).
#include "asyncfetch/app/ssh_hosts.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;
using namespace asyncfetch::app;

namespace {

ssh_config_files files_of(const char* text) {
    ssh_config_files out;
    out.context = {"/home/alice", "alice"};
    out.files.push_back(ssh::config_file::parse(text, "cfg", true, out.context).value());
    return out;
}

ssh::host_spec line(const char* text) {
    return ssh::parse_host_line(text).value();
}

} // namespace

TEST_CASE("ssh hosts: without ssh_config the hosts line, then the defaults") {
    const auto plan = plan_host(line("db"), "alice", 22, {}, {}, nullptr);
    CHECK(plan.shown.display() == "alice@db:22");
    CHECK(plan.connect.host == "db");
    const auto other = plan_host(line("bob@db:2022"), "alice", 22, {}, {}, nullptr);
    CHECK(other.connect.display() == "bob@db:2022");
}

TEST_CASE("ssh hosts: the file's HostName, User, Port and IdentityFile, tokens expanded") {
    const auto files = files_of("Host web*\n HostName %h.internal\n User deploy\n Port 2200\n"
                                " IdentityFile ~/.ssh/id_%r_%p\n StrictHostKeyChecking yes\n"
                                " ConnectTimeout 3\n PasswordAuthentication no\n");
    const auto plan = plan_host(line("web1"), "alice", 22, {}, {}, &files);
    REQUIRE(plan.problem.empty());
    CHECK(plan.shown.display() == "deploy@web1:2200");
    CHECK(plan.connect.display() == "deploy@web1.internal:2200");
    CHECK(plan.session.auth.identity_files ==
          std::vector<std::string>{"/home/alice/.ssh/id_deploy_2200"});
    CHECK(plan.session.policy == ssh::host_key_policy::strict);
    CHECK(plan.session.handshake_timeout == std::chrono::seconds(3));
    CHECK_FALSE(plan.session.auth.use_password);
}

TEST_CASE("ssh hosts: the hosts line and flags given win over the file") {
    const auto files = files_of("Host *\n User deploy\n Port 2200\n StrictHostKeyChecking no\n"
                                " IdentityFile ~/k\n");
    ssh::session_options base;
    base.auth.identity_files = {"/given"};
    ssh_flags_given given;
    given.port = given.policy = given.identity = true;
    const auto plan = plan_host(line("root@web1"), "alice", 22, base, given, &files);
    CHECK(plan.shown.display() == "root@web1:22");
    CHECK(plan.session.policy == ssh::host_key_policy::accept_new);
    // -i first, then the file's, as ssh adds them.
    CHECK(plan.session.auth.identity_files == std::vector<std::string>{"/given", "/home/alice/k"});
}

TEST_CASE("ssh hosts: ProxyJump hops are planned as hosts of their own, users and ports from "
          "their spec or their own Host block, never -l/-p") {
    const auto files = files_of("Host inner\n ProxyJump bob@bastion:2200,gw\n"
                                "Host gw\n HostName gw.example\n User gwuser\n Port 2022\n");
    ssh_flags_given l;
    l.user = l.port = true;
    const auto plan = plan_host(line("inner"), "dave", 2222, {}, l, &files);
    REQUIRE(plan.problem.empty());
    CHECK(plan.connect.display() == "dave@inner:2222");
    REQUIRE(plan.jumps.size() == 2);
    CHECK(plan.jumps[0].connect.display() == "bob@bastion:2200");
    CHECK(plan.jumps[1].connect.display() == "gwuser@gw.example:2022");
    const auto direct = plan_host(line("outer"), "alice", 22, {}, {}, &files);
    CHECK(direct.jumps.empty());
    CHECK(direct.problem.empty());
    // A hop without a user or a Host block of its own: the local user, port 22.
    const std::vector<ssh::host_spec> j = {line("plain")};
    const auto plain = plan_host(line("x"), "dave", 2222, {}, l, &files, j);
    REQUIRE(plain.jumps.size() == 1);
    CHECK(plain.jumps[0].connect.display() == "alice@plain:22");
}

TEST_CASE("ssh hosts: -J wins over ProxyJump and ProxyCommand, and none is direct") {
    const auto files = files_of("Host inner\n ProxyJump bastion\nHost pc\n ProxyCommand nc %h %p\n"
                                "Host nojump\n ProxyJump none\n");
    const std::vector<ssh::host_spec> none;
    const std::vector<ssh::host_spec> other = {line("other:2")};
    CHECK(plan_host(line("inner"), "a", 22, {}, {}, &files, none).jumps.empty());
    const auto over = plan_host(line("inner"), "a", 22, {}, {}, &files, other);
    REQUIRE(over.jumps.size() == 1);
    CHECK(over.jumps[0].connect.host == "other");
    const auto pc = plan_host(line("pc"), "a", 22, {}, {}, &files, other);
    CHECK(pc.proxy_command.empty());
    CHECK(pc.jumps.size() == 1);
    CHECK(plan_host(line("nojump"), "a", 22, {}, {}, &files).jumps.empty());
}

TEST_CASE("ssh hosts: the first hop's own ProxyJump comes before it, and a loop is refused") {
    const auto files = files_of("Host a\n ProxyJump z\nHost b\n ProxyJump y\n"
                                "Host loop\n ProxyJump loop\nHost c\n ProxyCommand nc %h %p\n");
    const std::vector<ssh::host_spec> ab = {line("a"), line("b")};
    const auto plan = plan_host(line("t"), "u", 22, {}, {}, &files, ab);
    REQUIRE(plan.problem.empty());
    REQUIRE(plan.jumps.size() == 3);
    CHECK(plan.jumps[0].connect.host == "z");
    CHECK(plan.jumps[1].connect.host == "a");
    CHECK(plan.jumps[2].connect.host == "b"); // reached through a: its own ProxyJump unused
    const std::vector<ssh::host_spec> loop = {line("loop")};
    CHECK(plan_host(line("t"), "u", 22, {}, {}, &files, loop).problem.find("loop?") !=
          std::string::npos);
    const std::vector<ssh::host_spec> c = {line("c")};
    CHECK(plan_host(line("t"), "u", 22, {}, {}, &files, c).problem.find("ProxyCommand") !=
          std::string::npos);
}

TEST_CASE("ssh hosts: ProxyCommand's tokens are expanded for the host as resolved") {
    const auto files = files_of("Host x\n HostName x.example\n Port 2200\n"
                                " ProxyCommand ssh -W %h:%p %r@gw %n %%\n");
    const auto plan = plan_host(line("bob@x"), "alice", 22, {}, {}, &files);
    REQUIRE(plan.problem.empty());
    CHECK(plan.proxy_command == "ssh -W x.example:2200 bob@gw x %");
    CHECK(plan.jumps.empty());
}

TEST_CASE(
    "ssh hosts: the hosts line's user and -l are seen by Match user and %r, as ssh sees them") {
    const auto files = files_of("Match user dave\n ProxyJump jumphost\n"
                                "Host *\n User bob\n UserKnownHostsFile ~/kh_%r_%p\n");
    // dave@ on the hosts line: the Match applies, so the host is behind jumphost.
    CHECK(plan_host(line("dave@web1"), "carol", 22, {}, {}, &files).jumps.size() == 1);
    ssh_flags_given l;
    l.user = true;
    CHECK(plan_host(line("web1"), "dave", 22, {}, l, &files).jumps.size() == 1);
    // No user given: the file's User (bob); %r and %p are the final ones.
    const auto plan = plan_host(line("web1:2222"), "carol", 22, {}, {}, &files);
    CHECK(plan.problem.empty());
    CHECK(plan.jumps.empty());
    CHECK(plan.shown.user == "bob");
    CHECK(plan.session.known_hosts_path == "/home/alice/kh_bob_2222");
}

TEST_CASE("ssh hosts: known-hosts files: none is no file, and the global files stay") {
    const auto user_only = files_of("UserKnownHostsFile ~/a ~/b\n");
    const auto plan = plan_host(line("h"), "alice", 22, {}, {}, &user_only);
    CHECK(plan.session.known_hosts_path == "/home/alice/a");
    CHECK(plan.session.global_known_hosts == std::vector<std::string>{"/etc/ssh/ssh_known_hosts",
                                                                      "/etc/ssh/ssh_known_hosts2",
                                                                      "/home/alice/b"});
    const auto global_none = files_of("GlobalKnownHostsFile none\n");
    CHECK(
        plan_host(line("h"), "alice", 22, {}, {}, &global_none).session.global_known_hosts.empty());
    const auto user_none = files_of("UserKnownHostsFile none\n");
    CHECK(plan_host(line("h"), "alice", 22, {}, {}, &user_none)
              .problem.find("UserKnownHostsFile none") != std::string::npos);
}
