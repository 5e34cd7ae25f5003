// known_hosts decided as OpenSSH decides: a table of known_hosts files, each
// run against a real sshd (ed25519 and ECDSA host keys) by asyncfetch and by
// OpenSSH's own `ssh -o BatchMode=yes`, under strict and accept-new; the two
// must connect, refuse or add alike.
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace asyncfetch::testing;

namespace {

struct known_hosts_case {
    const char* what;
    std::vector<std::string> user_lines, global_lines; // {NAME} {E} {C} {X} {Y} filled in
    bool hashed = false;                               // the user file through ssh-keygen -H
    bool crlf = false;                                 // lines end in "\r\n"
};

// Where the two programs agree, case by case.
const std::vector<known_hosts_case> agreed_cases = {
    {"no known_hosts at all", {}, {}},
    {"the ed25519 key, on a server that also has ECDSA", {"{NAME} {E}"}, {}},
    {"the ECDSA key", {"{NAME} {C}"}, {}},
    {"another ed25519 key (changed)", {"{NAME} {X}"}, {}},
    {"another ECDSA key (changed)", {"{NAME} {Y}"}, {}},
    {"a wildcard pinning another key", {"* {X}"}, {}},
    {"a '?' pattern with the key", {"[127.0.0.?]:{PORT} {E}"}, {}},
    {"a negated pattern excludes the line", {"*,!{NAME} {X}"}, {}},
    {"a negated line beside the key", {"*,!{NAME} {X}", "{NAME} {E}"}, {}},
    {"hashed, the key", {"{NAME} {E}"}, {}, true},
    {"hashed, another key", {"{NAME} {X}"}, {}, true},
    {"CRLF line endings", {"# made on Windows", "{NAME} {E}"}, {}, false, true},
    {"CRLF, another key", {"{NAME} {X}"}, {}, false, true},
    {"@revoked beside the key", {"{NAME} {E}", "@revoked * {E}"}, {}},
    {"@revoked alone", {"@revoked * {E}"}, {}},
    {"@revoked another type", {"@revoked * {C}"}, {}},
    {"@revoked with a tab after the marker (malformed)", {"@revoked\t{NAME} {E}"}, {}},
    {"@cert-authority alone", {"@cert-authority * {X}"}, {}},
    {"@cert-authority beside the key", {"@cert-authority * {X}", "{NAME} {E}"}, {}},
    {"the global file has the key", {}, {"{NAME} {E}"}},
    {"the global file has another key", {}, {"{NAME} {X}"}},
    {"the user file has the key, the global another", {"{NAME} {E}"}, {"{NAME} {X}"}},
    {"@revoked in the global file", {"{NAME} {E}"}, {"@revoked * {E}"}},
    {"the bare host (no port) with the key", {"127.0.0.1 {E}"}, {}},
    {"the bare host with another key", {"127.0.0.1 {X}"}, {}},
    {"the bare host with the ECDSA key", {"127.0.0.1 {C}"}, {}},
    {"malformed lines, then the key",
     {"# comment", "", "garbage", "@bogus {NAME} {E}", "{NAME} ssh-ed25519 !!!!", "{NAME}",
      "{NAME} {E}"},
     {}},
    {"a key blob of the wrong type only", {"{NAME} ssh-ed25519 AAAAE2VjZHNh"}, {}},
};

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
    for (const auto& [name, value] : values)
        for (auto at = text.find(name); at != std::string::npos; at = text.find(name))
            text.replace(at, name.size(), value);
    return text;
}

std::string public_key(const std::string& pub_file) {
    const auto words = read_file(pub_file);
    return words.substr(0, words.find(' ', words.find(' ') + 1));
}

struct differential {
    sshd_server sshd{{"127.0.0.1"}, false, true};
    temp_dir dir;
    std::map<std::string, std::string> values;

    differential() {
        run({"ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", dir.file("other_ecdsa")});
        const auto port = std::to_string(sshd.port());
        values = {{"{NAME}", "[127.0.0.1]:" + port},
                  {"{PORT}", port},
                  {"{E}", sshd.host_public_key("ed25519")},
                  {"{C}", sshd.host_public_key("ecdsa")},
                  {"{X}", public_key(sshd.stranger_key() + ".pub")},
                  {"{Y}", public_key(dir.file("other_ecdsa.pub"))}};
    }

    // Writes the case's files afresh: {user file, global file}.
    std::pair<std::string, std::string> files(const known_hosts_case& c) const {
        auto text = [&](const std::vector<std::string>& lines) {
            std::string out;
            for (const auto& l : lines)
                out += fill(l, values) + (c.crlf ? "\r\n" : "\n");
            return out;
        };
        const auto user = dir.write("known_hosts", text(c.user_lines));
        const auto global = dir.write("ssh_known_hosts", text(c.global_lines));
        if (c.hashed) run({"ssh-keygen", "-q", "-H", "-f", user});
        return {user, global};
    }

    run_result openssh(const std::string& user, const std::string& global,
                       const std::string& policy) const {
        return run({"ssh",
                    "-F",
                    "/dev/null",
                    "-o",
                    "BatchMode=yes",
                    "-o",
                    "UserKnownHostsFile=" + user,
                    "-o",
                    "GlobalKnownHostsFile=" + global,
                    "-o",
                    "StrictHostKeyChecking=" + policy,
                    "-o",
                    "UpdateHostKeys=no",
                    "-o",
                    "CheckHostIP=no",
                    "-o",
                    "IdentitiesOnly=yes",
                    "-o",
                    "IdentityAgent=none",
                    "-o",
                    "ConnectTimeout=20",
                    "-i",
                    sshd.ed25519_key(),
                    "-p",
                    std::to_string(sshd.port()),
                    std::string(sshd_server::user()) + "@127.0.0.1",
                    "true"},
                   "", 60);
    }

    run_result asyncfetch(const std::string& user, const std::string& global,
                          const std::string& policy) const {
        const auto hosts = dir.write("hosts", std::string(sshd_server::user()) + "@127.0.0.1:" +
                                                  std::to_string(sshd.port()) + "\n");
        return run(asyncfetch_cmd({"ssh", "--known-hosts", user, "--global-known-hosts", global,
                                   "--host-key-policy", policy, "--no-agent", "-q", "-i",
                                   sshd.ed25519_key(), hosts, "--", "true"}),
                   "", 60);
    }

    // "connect", "add" (connect, and the user file grew) or "refuse"; a
    // changed global file, or a write on a refusal, shows in the text.
    template <class Run>
    std::string decision(const known_hosts_case& c, const std::string& policy, Run program,
                         run_result& result) const {
        const auto [user, global] = files(c);
        const auto user_before = read_file(user), global_before = read_file(global);
        result = program(user, global, policy);
        std::string d = result.status == 0 ? "connect" : "refuse";
        if (read_file(user) != user_before) d = d == "connect" ? "add" : "refuse+write";
        if (read_file(global) != global_before) d += "+global-written";
        return d;
    }
};

} // namespace

TEST_CASE("known_hosts: asyncfetch decides every line form as OpenSSH's ssh does") {
    if (sshd_unavailable()) return;
    differential t;
    for (const auto& c : agreed_cases) {
        for (const std::string policy : {"strict", "accept-new"}) {
            const auto ssh_policy = policy == "strict" ? "yes" : "accept-new";
            run_result by_ssh, by_us;
            const auto expected = t.decision(
                c, ssh_policy, [&](auto u, auto g, auto p) { return t.openssh(u, g, p); }, by_ssh);
            const auto decided = t.decision(
                c, policy, [&](auto u, auto g, auto p) { return t.asyncfetch(u, g, p); }, by_us);
            CHECK_MESSAGE(decided == expected, std::string(c.what)
                                                   << " (" << policy << "): ssh says " << expected
                                                   << ", asyncfetch " << decided << "\nssh: "
                                                   << by_ssh.err << "\nasyncfetch: " << by_us.out);
            CHECK(by_ssh.status != 127); // ssh ran
        }
    }
}

TEST_CASE("known_hosts: a line asyncfetch adds is one OpenSSH then accepts") {
    if (sshd_unavailable()) return;
    differential t;
    const known_hosts_case empty{"empty", {}, {}};
    const auto [user, global] = t.files(empty);
    auto added = t.asyncfetch(user, global, "accept-new");
    CHECK_MESSAGE(added.status == 0, added.out << added.err);
    const auto text = read_file(user);
    CHECK(text == t.values["{NAME}"] + " " + t.values["{E}"] + "\n");
    auto strict_ssh = t.openssh(user, global, "yes");
    CHECK_MESSAGE(strict_ssh.status == 0, strict_ssh.err);
    CHECK(t.asyncfetch(user, global, "strict").status == 0);
    CHECK(read_file(user) == text); // nothing added twice
}

TEST_CASE("known_hosts: a revoked key, a changed key and a CA-only host say why") {
    if (sshd_unavailable()) return;
    differential t;
    auto error_for = [&](const known_hosts_case& c, const std::string& policy) {
        const auto [user, global] = t.files(c);
        auto r = t.asyncfetch(user, global, policy);
        CHECK(r.status == 1);
        const auto records = records_of(r.out);
        REQUIRE(records.size() == 1);
        return records[0]["error"].get<std::string>();
    };
    const auto revoked = error_for({"revoked", {"{NAME} {E}", "@revoked * {E}"}, {}}, "accept-new");
    CHECK_MESSAGE(revoked.find("is marked @revoked in " + t.dir.file("known_hosts") + ":2") !=
                      std::string::npos,
                  revoked);
    const auto changed = error_for({"changed", {"* {X}"}, {}}, "accept-new");
    CHECK_MESSAGE(changed.find("HAS CHANGED: " + t.dir.file("known_hosts") +
                               ":1 has the "
                               "ssh-ed25519 key SHA256:") != std::string::npos,
                  changed);
    const auto ca = error_for({"ca", {"@cert-authority * {X}"}, {}}, "strict");
    CHECK_MESSAGE(ca.find("libssh2 1.10 cannot check host certificates") != std::string::npos, ca);

    // A line too long to read might pin the host: it is not taken as unknown.
    const std::string long_names(1100 * 1024, 'h');
    const auto overlong = error_for({"overlong", {long_names + " {X}"}, {}}, "accept-new");
    CHECK_MESSAGE(overlong.find(t.dir.file("known_hosts") + ":1 is longer than 1 MiB") !=
                      std::string::npos,
                  overlong.substr(0, 300));
    CHECK(lines_of(read_file(t.dir.file("known_hosts"))).size() == 1); // nothing added

    // OpenSSH would go on past a key @revoked for the bare host (and, under
    // accept-new, add it for [host]:port); asyncfetch refuses it.
    const auto [user, global] = t.files({"bare revoked", {"@revoked 127.0.0.1 {E}"}, {}});
    CHECK(t.asyncfetch(user, global, "accept-new").status == 1);
    CHECK(read_file(user).find("@revoked") == 0);
    CHECK(lines_of(read_file(user)).size() == 1);
}
