// `asyncfetch ssh` against a real OpenSSH sshd on loopback.
#include "tools/listeners.hpp"
#include "tools/process.hpp"
#include "tools/small_fs.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

// One sshd, a hosts file and a known_hosts file in a temp dir.
struct ssh_fixture {
    sshd_server sshd;
    temp_dir dir;
    std::string host_line(const std::string& address = "127.0.0.1") const {
        return std::string(sshd_server::user()) + "@" + address + ":" + std::to_string(sshd.port());
    }
    std::string hosts(const std::vector<std::string>& lines) const {
        std::string text;
        for (const auto& l : lines)
            text += l + "\n";
        return dir.write("hosts.txt", text);
    }
    std::string known_hosts() const { return dir.file("known_hosts"); }
    // asyncfetch ssh with the fixture's known_hosts and no agent or default keys.
    run_result ssh(std::vector<std::string> args, const std::vector<std::string>& command) const {
        std::vector<std::string> argv = {"ssh", "--known-hosts", known_hosts(), "--no-agent", "-q"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("--");
        argv.insert(argv.end(), command.begin(), command.end());
        return run(asyncfetch_cmd(argv), "", 120);
    }
};

} // namespace

TEST_CASE("ssh: key auth runs the command, the new host key is recorded (accept-new)") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    auto r = f.ssh({f.hosts({f.host_line()}), "-i", f.sshd.ed25519_key()},
                   {"echo", "hello;", "echo", "oops", ">&2"});
    CHECK_MESSAGE(r.status == 0, r.err);
    auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["host"] == "127.0.0.1");
    CHECK(records[0]["port"] == f.sshd.port());
    CHECK(records[0]["user"] == sshd_server::user());
    CHECK(records[0]["exit_status"] == 0);
    CHECK(records[0]["signal"].is_null());
    CHECK(records[0]["stdout"] == "hello\n");
    CHECK(records[0]["stderr"] == "oops\n");
    CHECK(records[0]["error"].is_null());
    const auto kh = read_file(f.known_hosts());
    CHECK(kh.find("[127.0.0.1]:" + std::to_string(f.sshd.port()) + " ssh-ed25519 ") == 0);
}

TEST_CASE("ssh: password auth from an environment variable, a wrong one is refused, never echoed") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto hosts = f.hosts({f.host_line()});
    ::setenv("AF_TEST_PW", sshd_server::password(), 1);
    auto ok = f.ssh({hosts, "--password-env", "AF_TEST_PW", "-i", "/nonexistent"}, {"true"});
    CHECK_MESSAGE(ok.status == 0, ok.out << ok.err);
    ::setenv("AF_TEST_PW", "wrong-password-123", 1);
    auto bad = f.ssh({hosts, "--password-env", "AF_TEST_PW", "-i", "/nonexistent"}, {"true"});
    CHECK(bad.status == 1);
    auto records = records_of(bad.out);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["error"].get<std::string>().find("password (refused)") != std::string::npos);
    CHECK(bad.out.find("wrong-password-123") == std::string::npos);
    CHECK(bad.err.find("wrong-password-123") == std::string::npos);
    ::unsetenv("AF_TEST_PW");

    const auto pw_file = f.dir.write("pw", std::string(sshd_server::password()) + "\n");
    CHECK(f.ssh({hosts, "--password-file", pw_file, "-i", "/nonexistent"}, {"true"}).status == 0);
}

TEST_CASE("ssh: agent auth through SSH_AUTH_SOCK") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    ssh_agent agent(f.sshd.ed25519_key());
    auto r =
        run(asyncfetch_cmd({"ssh", "--known-hosts", f.known_hosts(), "-q", "-i", "/nonexistent",
                            f.hosts({f.host_line()}), "--", "echo", "via-agent"}));
    CHECK_MESSAGE(r.status == 0, r.out << r.err);
    CHECK(r.out.find("via-agent") != std::string::npos);
}

TEST_CASE("ssh: an encrypted key needs its passphrase") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto hosts = f.hosts({f.host_line()});
    auto without = f.ssh({hosts, "-i", f.sshd.encrypted_key()}, {"true"});
    CHECK(without.status == 1);
    CHECK(without.out.find("cannot load it") != std::string::npos);
    ::setenv("AF_TEST_PASSPHRASE", sshd_server::key_passphrase(), 1);
    // Decrypting the key (bcrypt KDF) counts against the auth limit: a sanitizer build on a
    // loaded machine took over the default 10 s.
    auto with = f.ssh({hosts, "-i", f.sshd.encrypted_key(), "--passphrase-env",
                       "AF_TEST_PASSPHRASE", "--connect-timeout", "60s"},
                      {"true"});
    ::unsetenv("AF_TEST_PASSPHRASE");
    CHECK_MESSAGE(with.status == 0, with.out);
}

TEST_CASE("ssh: a key the server does not know, and an RSA key libssh2 cannot sign for, are "
          "refused clearly") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto hosts = f.hosts({f.host_line()});
    auto stranger = f.ssh({hosts, "-i", f.sshd.stranger_key()}, {"true"});
    CHECK(stranger.status == 1);
    const auto stranger_error = records_of(stranger.out)[0]["error"].get<std::string>();
    CHECK_MESSAGE(stranger_error.find("auth " + f.host_line() + ": no method succeeded") !=
                      std::string::npos,
                  stranger_error);
    auto rsa = f.ssh({hosts, "-i", f.sshd.rsa_key()}, {"true"});
    CHECK(rsa.status == 1);
    CHECK(records_of(rsa.out)[0]["error"].get<std::string>().find("use an ed25519 key") !=
          std::string::npos);
}

TEST_CASE("ssh: host key policies, a CHANGED key is always refused") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto hosts = f.hosts({f.host_line()});
    const std::vector<std::string> key = {"-i", f.sshd.ed25519_key()};
    auto with = [&](std::vector<std::string> extra) {
        extra.insert(extra.begin(), key.begin(), key.end());
        extra.insert(extra.begin(), hosts);
        return f.ssh(extra, {"true"});
    };

    auto strict = with({"--host-key-policy", "strict"});
    CHECK(strict.status == 1);
    CHECK(strict.out.find("is not in") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(f.known_hosts()));

    CHECK(with({"--host-key-policy", "off"}).status == 0);
    CHECK_FALSE(std::filesystem::exists(f.known_hosts()));

    CHECK(with({}).status == 0);                              // accept-new adds it
    CHECK(with({"--host-key-policy", "strict"}).status == 0); // now known

    // Replace the recorded key with another one: the server's key "changed".
    std::ifstream pub(f.sshd.stranger_key() + ".pub");
    std::string type, other;
    pub >> type >> other;
    std::ofstream(f.known_hosts())
        << "[127.0.0.1]:" << f.sshd.port() << " " << type << " " << other << "\n";
    for (const char* policy : {"accept-new", "strict"}) {
        auto changed = with({"--host-key-policy", policy});
        CHECK(changed.status == 1);
        const auto error = records_of(changed.out)[0]["error"].get<std::string>();
        CHECK(error.find("HOST KEY FOR [127.0.0.1]:" + std::to_string(f.sshd.port()) +
                         " HAS CHANGED") != std::string::npos);
        CHECK(error.find("SHA256:") != error.rfind("SHA256:")); // both fingerprints
    }
}

TEST_CASE("ssh: several MB on stdout and stderr at once do not hang") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    auto r = f.ssh({f.hosts({f.host_line()}), "-i", f.sshd.ed25519_key()},
                   {"head -c 6000000 /dev/zero | tr '\\0' o & head -c 5000000 /dev/zero | tr '\\0' "
                    "e >&2; wait"});
    CHECK_MESSAGE(r.status == 0, r.err);
    auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["stdout"].get<std::string>().size() == 6000000);
    CHECK(records[0]["stderr"].get<std::string>().size() == 5000000);
}

TEST_CASE("ssh: non-zero exit, exit by signal, command timeout") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto hosts = f.hosts({f.host_line()});
    const std::vector<std::string> key = {hosts, "-i", f.sshd.ed25519_key()};
    auto three = f.ssh(key, {"exit", "3"});
    CHECK(three.status == 1);
    CHECK(records_of(three.out)[0]["exit_status"] == 3);
    CHECK(records_of(three.out)[0]["error"].is_null());

    auto killed = f.ssh(key, {"kill", "-TERM", "$$"});
    CHECK(killed.status == 1);
    CHECK(records_of(killed.out)[0]["signal"] == "TERM");
    CHECK(records_of(killed.out)[0]["exit_status"].is_null());

    auto args = key;
    args.insert(args.end(), {"-t", "0.5"});
    const auto start = std::chrono::steady_clock::now();
    auto slow = f.ssh(args, {"sleep", "30"});
    CHECK(slow.status == 1);
    CHECK(records_of(slow.out)[0]["error"].get<std::string>().find(
              "command: timed out after 0.5 s") == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE(
    "ssh: connect timeout, refused port, and sshd killed mid-session each give an error record") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    auto silent = unanswered_listener();
    const auto hosts =
        f.hosts({std::string(sshd_server::user()) + "@127.0.0.1:" + std::to_string(silent.port()),
                 std::string(sshd_server::user()) + "@127.0.0.1:1", f.host_line()});
    child c(asyncfetch_cmd({"ssh", "--known-hosts", f.known_hosts(), "--no-agent", "-q",
                            "--connect-timeout", "0.5", "-i", f.sshd.ed25519_key(), hosts, "--",
                            "sleep", "30"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    f.sshd.kill_now();
    auto r = c.wait(30);
    CHECK(r.status == 1);
    auto records = records_of(r.out);
    REQUIRE(records.size() == 3);
    std::map<int, std::string> error_by_port;
    for (auto& rec : records)
        error_by_port[rec["port"].get<int>()] =
            rec["error"].is_null() ? "" : rec["error"].get<std::string>();
    CHECK(error_by_port[silent.port()].find("connect") == 0);
    CHECK(error_by_port[silent.port()].find("timed out") != std::string::npos);
    CHECK(error_by_port[1].find("refused") != std::string::npos);
    CHECK_MESSAGE(!error_by_port[f.sshd.port()].empty(), r.out); // the killed session
}

TEST_CASE("ssh: 200 concurrent sessions over 4 loopback addresses, one record each") {
    if (sshd_unavailable()) return;
    sshd_server sshd({"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"});
    temp_dir dir;
    std::string hosts;
    for (int i = 0; i < 200; ++i) {
        hosts += std::string(sshd_server::user()) + "@127.0.0." + std::to_string(1 + i % 4) + ":" +
                 std::to_string(sshd.port()) + "\n";
    }
    const auto file = dir.write("hosts.txt", hosts);
    // 200 handshakes at once make sshd fork and key-exchange 200 times on this machine's
    // cores, beside the rest of the suite: the default 10 s per phase is not what this
    // checks (one record each), so the phases get a minute.
    auto r = run(asyncfetch_cmd({"ssh", "--known-hosts", dir.file("known_hosts"), "--no-agent",
                                 "-q", "-c", "200", "--connect-timeout", "60", "-i",
                                 sshd.ed25519_key(), file, "--", "echo", "ok"}),
                 "", 100);
    CHECK_MESSAGE(r.status == 0, r.err);
    auto records = records_of(r.out);
    CHECK(records.size() == 200);
    int ok = 0;
    for (auto& rec : records)
        ok += rec["stdout"] == "ok\n";
    CHECK(ok == 200);
    // Four distinct hosts were recorded once each, despite 200 concurrent first contacts.
    CHECK(lines_of(read_file(dir.file("known_hosts"))).size() == 4);
}

TEST_CASE("ssh: --out-dir writes pssh-style files, --stream prefixes whole lines with the host") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto hosts = f.hosts({f.host_line("127.0.0.1")});
    const auto out_dir = f.dir.file("out");
    auto r = f.ssh({hosts, "-i", f.sshd.ed25519_key(), "--out-dir", out_dir, "--stream"},
                   {"printf 'one\\ntwo\\nthree'; echo err >&2"});
    CHECK(r.status == 0);
    // USER@HOST+PORT: the user is not the local one, the port not 22.
    const auto name =
        std::string(sshd_server::user()) + "@127.0.0.1+" + std::to_string(f.sshd.port());
    CHECK(read_file(out_dir + "/" + name + ".out") == "one\ntwo\nthree");
    CHECK(read_file(out_dir + "/" + name + ".err") == "err\n");
    const auto prefix =
        std::string(sshd_server::user()) + "@127.0.0.1:" + std::to_string(f.sshd.port()) + ": ";
    CHECK(r.out == prefix + "one\n" + prefix + "two\n" + prefix + "three\n");
    CHECK(r.err.find(prefix + "err\n") != std::string::npos);
}

TEST_CASE("ssh: a malformed hosts line stops the run with file, line and problem") {
    temp_dir dir;
    const auto file = dir.write("hosts.txt", "good.example\nuser@\nhost:99999\n[::1\n");
    auto r = run(asyncfetch_cmd({"ssh", file, "--", "true"}));
    CHECK(r.status == 2);
    CHECK(r.err.find(file + ":2: invalid host 'user@'") != std::string::npos);
    CHECK(r.err.find(file + ":3: invalid host 'host:99999': invalid port") != std::string::npos);
    CHECK(r.err.find(file + ":4:") != std::string::npos);
}

TEST_CASE("ssh: a password in a hosts file is refused with file and line, and never printed") {
    temp_dir dir;
    const auto file =
        dir.write("hosts.txt", "# fleet\ngood.example\nalice:TopSecret123@db.example:2222\n");
    auto r = run(asyncfetch_cmd({"ssh", file, "--", "true"}));
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find(file + ":3: invalid host 'alice:***@db.example:2222': a password in a "
                                    "hosts line is refused") != std::string::npos,
                  r.err);
    CHECK(r.err.find("TopSecret123") == std::string::npos);
    CHECK(r.out.find("TopSecret123") == std::string::npos);

    // --keep-going: the line becomes an error record, still without the secret.
    auto kept =
        run(asyncfetch_cmd({"ssh", file, "--keep-going", "--connect-timeout", "1", "--", "true"}));
    CHECK(kept.status != 0);
    CHECK(kept.out.find("a password in a hosts line is refused") != std::string::npos);
    CHECK(kept.out.find("TopSecret123") == std::string::npos);
    CHECK(kept.err.find("TopSecret123") == std::string::npos);
}

TEST_CASE("ssh: a command reading stdin gets EOF at once, or --stdin's input on every host") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto one = f.hosts({f.host_line()});
    const std::vector<std::string> key = {"-i", f.sshd.ed25519_key(), "-t", "30"};
    auto with = [&](const std::string& hosts, std::vector<std::string> extra,
                    const std::vector<std::string>& command) {
        extra.insert(extra.begin(), key.begin(), key.end());
        extra.insert(extra.begin(), hosts);
        return f.ssh(extra, command);
    };
    // Without --stdin: EOF, so cat and read end (they waited for -t before).
    auto cat = with(one, {}, {"cat"});
    CHECK_MESSAGE(cat.status == 0, cat.out);
    REQUIRE(records_of(cat.out).size() == 1);
    CHECK(records_of(cat.out)[0]["stdout"] == "");
    CHECK(records_of(cat.out)[0]["exit_status"] == 0);
    auto read = with(one, {}, {"read x; echo \"got [$x] $?\""});
    CHECK_MESSAGE(read.status == 0, read.out);
    CHECK(records_of(read.out)[0]["stdout"] == "got [] 1\n");

    // --stdin FILE: the same input to each of three hosts, more than a
    // channel window, echoed back whole while it is still being sent.
    std::string input;
    for (int i = 0; input.size() < 3'000'000; ++i)
        input += "line " + std::to_string(i) + "\n";
    const auto file = f.dir.write("input.txt", input);
    const auto three = f.hosts({f.host_line(), f.host_line(), f.host_line()});
    auto echoed = with(three, {"--stdin", file}, {"cat"});
    CHECK_MESSAGE(echoed.status == 0, echoed.err);
    const auto records = records_of(echoed.out);
    REQUIRE(records.size() == 3);
    for (const auto& r : records)
        CHECK(r["stdout"] == input);

    // --stdin -: this process's stdin.
    auto piped =
        run(asyncfetch_cmd({"ssh", "--known-hosts", f.known_hosts(), "--no-agent", "-q", "-i",
                            f.sshd.ed25519_key(), "--stdin", "-", one, "--", "wc -c"}),
            "twelve bytes", 60);
    CHECK_MESSAGE(piped.status == 0, piped.err);
    CHECK(records_of(piped.out)[0]["stdout"].get<std::string>().find("12") != std::string::npos);
}

TEST_CASE("ssh: --stdin problems are usage errors") {
    temp_dir dir;
    const auto hosts = dir.write("hosts.txt", "db.example\n");
    auto missing = run(asyncfetch_cmd({"ssh", "--stdin", dir.file("nope"), hosts, "--", "cat"}));
    CHECK(missing.status == 2);
    CHECK(missing.err.find("--stdin " + dir.file("nope") + ": No such file") != std::string::npos);
    auto both = run(asyncfetch_cmd({"ssh", "--stdin", "-", "-", "--", "cat"}), "db.example\n");
    CHECK(both.status == 2);
    CHECK(both.err.find("the hosts file already comes from stdin") != std::string::npos);
    auto directory = run(asyncfetch_cmd({"ssh", "--stdin", dir.path(), hosts, "--", "cat"}));
    CHECK(directory.status == 2);
}

TEST_CASE("ssh: a host name that does not resolve in time is a resolve timeout record") {
    if (sshd_unavailable()) return;
    // A DNS server that never answers, seen only by this run (its own mount
    // namespace, its own resolv.conf).
    const int dns = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    ::inet_pton(AF_INET, "127.0.0.77", &a.sin_addr);
    REQUIRE(::bind(dns, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    temp_dir dir;
    const auto resolv =
        dir.write("resolv.conf", "nameserver 127.0.0.77\noptions timeout:4 attempts:1\n");
    const auto hosts = dir.write("hosts.txt", "someone@silent-dns.asyncfetch.test\n");
    std::vector<std::string> argv = {
        "unshare", "-m", "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolv};
    for (const auto& arg : asyncfetch_cmd({"ssh", "--known-hosts", dir.file("known_hosts"),
                                           "--connect-timeout", "1", "-q", hosts, "--", "true"}))
        argv.push_back(arg);
    auto r = run(argv, "", 60);
    ::close(dns);
    CHECK(r.status == 1);
    const auto records = records_of(r.out);
    REQUIRE_MESSAGE(records.size() == 1, r.out << r.err);
    CHECK(records[0]["error"] == "resolve silent-dns.asyncfetch.test: timed out after 1.0 s");
    CHECK(records[0]["elapsed_ms"].get<double>() < 3000);
}

TEST_CASE("ssh: --compare runs the hosts serially, then concurrently, and prints both costs") {
    if (sshd_unavailable()) return;
    ssh_fixture f;
    const auto hosts =
        f.hosts({f.host_line("127.0.0.1"), f.host_line("127.0.0.1"), f.host_line("127.0.0.1")});
    auto r = f.ssh({hosts, "-i", f.sshd.ed25519_key(), "--compare"}, {"sleep", "0.3"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(records_of(r.out).size() == 3); // the concurrent pass is the one recorded
    const auto serial = r.err.find("serial cost "), concurrent = r.err.find("concurrent cost ");
    REQUIRE(serial != std::string::npos);
    REQUIRE(concurrent != std::string::npos);
    CHECK(r.err.find("speedup ") != std::string::npos);
    // Three 0.3 s commands one after another cannot take less than 0.9 s (no
    // upper bounds here: speed is for the benchmarks).
    CHECK(std::stod(r.err.substr(serial + 12)) >= 0.9);
    CHECK(std::stod(r.err.substr(concurrent + 16)) >= 0.3);
}

TEST_CASE("ssh: --out-dir on a full disk fails the host, names the file, keeps the old files") {
    if (sshd_unavailable()) return;
    small_fs disk(64 * 1024);
    if (!disk.mounted()) return;
    ssh_fixture f;
    const auto hosts = f.hosts({f.host_line("127.0.0.1")});
    const auto name =
        std::string(sshd_server::user()) + "@127.0.0.1+" + std::to_string(f.sshd.port());
    auto r = f.ssh({hosts, "-i", f.sshd.ed25519_key(), "--out-dir", disk.path()}, {"echo old"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    REQUIRE(read_file(disk.file(name + ".out")) == "old\n");
    disk.fill();
    r = f.ssh({hosts, "-i", f.sshd.ed25519_key(), "--out-dir", disk.path()}, {"echo new"});
    CHECK(r.status == 1);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK_MESSAGE(
        records[0]["error"].get<std::string>().find("--out-dir " + disk.file(name + ".out") +
                                                    ": cannot write: No space left on device") == 0,
        records[0]);
    CHECK(read_file(disk.file(name + ".out")) == "old\n");
}
