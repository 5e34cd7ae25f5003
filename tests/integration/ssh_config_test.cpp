// ssh_config read as OpenSSH reads it: a corpus of config files, each resolved
// for several host names by asyncfetch and by OpenSSH's own `ssh -G -F FILE
// HOST`; for every keyword asyncfetch reads, the values must be the same, and
// a file ssh refuses must be refused.
#include "asyncfetch/ssh/ssh_config.hpp"
#include "tools/process.hpp"
#include "tools/skip.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <set>

using namespace asyncfetch;
using namespace asyncfetch::testing;

namespace {

struct config_case {
    const char* what;
    std::string text; // {DIR} is the test's directory
    std::vector<std::string> hosts;
};

// Every keyword asyncfetch reads, as `ssh -G` names them.
const std::set<std::string> keywords = {"user",
                                        "hostname",
                                        "port",
                                        "batchmode",
                                        "compression",
                                        "identitiesonly",
                                        "kbdinteractiveauthentication",
                                        "passwordauthentication",
                                        "pubkeyauthentication",
                                        "stricthostkeychecking",
                                        "connectionattempts",
                                        "serveralivecountmax",
                                        "serveraliveinterval",
                                        "connecttimeout",
                                        "globalknownhostsfile",
                                        "userknownhostsfile",
                                        "identityfile",
                                        "certificatefile",
                                        "identityagent",
                                        "proxyjump",
                                        "proxycommand"};

const std::vector<std::string> names = {"web1", "WEB1", "db.example.org", "bastion", "h"};

const std::vector<config_case> cases = {
    {"first obtained value wins",
     "Host web*\n User deploy\n Port 2201\nHost *\n User other\n Port 22\n", names},
    {"HostName with %h and case", "Host web? db.*\n HostName %h.Internal.Example\n", names},
    {"negated patterns", "Host * !web1\n User notweb\nHost !db.* web*\n Port 7\n", names},
    {"a host line of negations alone never matches", "Host !web1\n Port 9\n", names},
    {"'?' and '*'", "Host ?\n Port 1\nHost *.example.*\n Port 2\nHost w*1\n Port 3\n", names},
    {"Match host sees the HostName",
     "Host web1\n HostName real.example\nMatch host real.*\n User matched\n", names},
    {"Match originalhost and negation",
     "Match originalhost web1\n Port 11\nMatch !originalhost web1\n Port 12\n", names},
    {"Match user after User", "User bob\nMatch user bob\n Port 13\nMatch user root\n Port 14\n",
     names},
    {"Match localuser", "Match localuser {LOCALUSER}\n Port 15\n", names},
    {"Match all and several criteria",
     "Match host web* originalhost *1\n User both\nMatch all\n Port 16\n", names},
    {"Match host pattern lists",
     "Match host db.*,!db.example.org\n Port 17\nMatch host !x\n Port 18\n", names},
    {"Include with a glob, applied in its block",
     "Host web*\n Include {DIR}/inc-*.conf\nHost *\n Port 19\n", names},
    {"Include in a block that does not apply", "Host nomatch\n Include {DIR}/inc-a.conf\n", names},
    {"the block goes on after an Include", "Host web1\n Include {DIR}/inc-b.conf\n Port 20\n",
     names},
    {"Include of nothing", "Include {DIR}/none-*.conf\nPort 21\n", names},
    {"every keyword asyncfetch reads",
     "Host *\n IdentityFile ~/.ssh/id_a\n IdentityFile %d/k_%h_%r\n CertificateFile ~/c-cert.pub\n"
     " IdentitiesOnly yes\n IdentityAgent ~/agent-%r.sock\n ProxyJump j1,u@j2:2222\n"
     " UserKnownHostsFile ~/kh_%h %d/kh_%n_%p_%r_%u\n GlobalKnownHostsFile /etc/g1 /etc/g2\n"
     " StrictHostKeyChecking accept-new\n ConnectTimeout 1m30s\n ConnectionAttempts 3\n"
     " ServerAliveInterval 15\n ServerAliveCountMax 4\n Compression yes\n BatchMode yes\n"
     " PasswordAuthentication no\n KbdInteractiveAuthentication no\n"
     " PubkeyAuthentication host-bound\n",
     names},
    {"ProxyCommand first: ProxyJump ignored", "ProxyCommand nc -X 5 %h %p\nProxyJump j1\n", names},
    {"ProxyJump first: ProxyCommand ignored", "ProxyJump j1\nProxyCommand nc %h %p\n", names},
    {"flag spellings",
     "StrictHostKeyChecking no\nBatchMode true\nChallengeResponseAuthentication no\n", names},
    {"StrictHostKeyChecking yes", "StrictHostKeyChecking yes\n", names},
    {"StrictHostKeyChecking off", "StrictHostKeyChecking off\n", names},
    {"'=' and quotes and comments",
     "Host=web1\n  user = \"deploy user\"\nHost \"db.example.org\" # a comment\n Port=2222\n",
     names},
    {"case of keywords", "HOST web1\n PORT 30\n hostNAME Other\n", names},
    {"service names as ports", "Port ssh\n", names},
    {"times", "ConnectTimeout 0\nServerAliveInterval 1h\n", names},
    {"keywords asyncfetch ignores", "ForwardAgent yes\nSendEnv LANG\nControlMaster auto\nPort 31\n",
     names},
    {"IgnoreUnknown", "IgnoreUnknown Frob*\nFrobnicate yes\nPort 32\n", names},
    // Refused by both.
    {"an unknown keyword", "Frobnicate yes\n", {"h"}},
    {"a bad port", "Port 70000\n", {"h"}},
    {"a port that is no number", "Host other\n Port x\n", {"h"}},
    {"no argument", "Port\n", {"h"}},
    {"extra arguments", "Port 22 23\n", {"h"}},
    {"a bad flag", "BatchMode maybe\n", {"h"}},
    {"a bad time", "ConnectTimeout soon\n", {"h"}},
    {"a negative integer", "ServerAliveCountMax -1\n", {"h"}},
    {"no connection attempts", "ConnectionAttempts 0\n", {"h"}},
    {"an open quote", "User \"unterminated\n", {"h"}},
    {"Match all with more", "Match all host h\n", {"h"}},
    {"Match with no pattern", "Match host\n", {"h"}},
    {"an unknown Match criterion", "Match weekday monday\n", {"h"}},
    {"an empty Host pattern", "Host \"\"\n", {"h"}},
    {"a token HostName does not have", "HostName %r.example\n", {"h"}},
};

struct who {
    std::string home, user;
};

who current_user() {
    const passwd* pw = ::getpwuid(::getuid());
    REQUIRE(pw != nullptr);
    return {pw->pw_dir, pw->pw_name};
}

std::string fill(std::string text, const std::string& dir, const std::string& user) {
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"{DIR}", dir}, {"{LOCALUSER}", user}})
        for (std::size_t at; (at = text.find(key)) != std::string::npos;)
            text.replace(at, key.size(), value);
    return text;
}

// The lines of `ssh -G` for the keywords asyncfetch reads.
std::multiset<std::string> ssh_g(const std::vector<std::string>& out_lines) {
    std::multiset<std::string> out;
    for (const auto& line : out_lines)
        if (keywords.count(line.substr(0, line.find(' ')))) out.insert(line);
    return out;
}

} // namespace

TEST_CASE("ssh_config: every host of every file resolves as `ssh -G` resolves it") {
    if (run({"ssh", "-V"}).status != 0) {
        skip_test("no ssh client");
        return;
    }
    const auto me = current_user();
    const ssh::config_context context{me.home, me.user};
    temp_dir dir;
    dir.write("inc-a.conf", "Port 40\nHost *\n User included\n");
    dir.write("inc-b.conf", "Host nomatch\n User never\n");
    std::size_t compared = 0, refused = 0;
    for (const auto& c : cases) {
        const std::string what = c.what;
        CAPTURE(what);
        const auto path = dir.write("config", fill(c.text, dir.path(), me.user));
        const auto file = ssh::config_file::read(path, true, context);
        for (const auto& host : c.hosts) {
            CAPTURE(host);
            const auto expected = run({"ssh", "-G", "-F", path, host});
            std::optional<ssh::host_config> ours;
            std::string resolve_problem;
            if (file) {
                auto resolved = ssh::resolve_host(std::span(&*file, 1), host, context);
                resolve_problem = resolved.problem();
                if (resolved) ours = std::move(resolved).value();
            }
            if (expected.status != 0) {
                CHECK_MESSAGE(!ours, "ssh refused it: " << expected.err);
                ++refused;
                continue;
            }
            REQUIRE_MESSAGE(file, file.problem());
            REQUIRE_MESSAGE(ours, resolve_problem);
            const auto mine = ssh::ssh_g_lines(*ours, context);
            const auto theirs = ssh_g(lines_of(expected.out));
            const std::multiset<std::string> ours_set(mine.begin(), mine.end());
            std::string differences;
            for (const auto& line : theirs)
                if (!ours_set.count(line)) differences += "\n  ssh -G: " + line;
            for (const auto& line : ours_set)
                if (!theirs.count(line)) differences += "\n  asyncfetch: " + line;
            CHECK_MESSAGE(differences.empty(), differences);
            ++compared;
        }
    }
    CHECK(compared > 100);
    CHECK(refused == 15);
}
