// `asyncfetch ssh --pty` and `--sudo` against a real sshd and the real sudo,
// with a sudoers rule for the test user that asks for its password.
#include "tools/common.hpp"
#include "tools/process.hpp"
#include "tools/sshd.hpp"
#include "tools/sudoers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

struct sudo_fixture {
    sshd_server sshd;
    sudoers_rule rule;
    std::string hosts() const {
        return sshd.dir().write("hosts.txt", std::string(sshd_server::user()) + "@127.0.0.1:" +
                                                 std::to_string(sshd.port()) + "\n");
    }
    run_result ssh(std::vector<std::string> args, const std::vector<std::string>& command,
                   const std::string& input = "") const {
        std::vector<std::string> argv = {
            "ssh", hosts(), "--known-hosts",   sshd.dir().file("known_hosts"), "--no-agent",
            "-q",  "-i",    sshd.ed25519_key()};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("--");
        argv.insert(argv.end(), command.begin(), command.end());
        return run(asyncfetch_cmd(argv), input, 120);
    }
};

bool unavailable(const sudo_fixture& f) {
    if (f.rule.unavailable().empty()) return false;
    MESSAGE("skipped: " << f.rule.unavailable());
    return true;
}

json only_record(const run_result& r) {
    auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    return records[0];
}

bool mentions(const run_result& r, const std::string& secret) {
    return r.out.find(secret) != std::string::npos || r.err.find(secret) != std::string::npos;
}

} // namespace

TEST_CASE("ssh --sudo: the password answers sudo's own prompt, never echoed or recorded") {
    if (sshd_unavailable()) return;
    sudo_fixture f;
    if (unavailable(f)) return;
    ::setenv("AF_SUDO_PW", sshd_server::password(), 1);
    for (const bool pty : {false, true}) {
        CAPTURE(pty);
        std::vector<std::string> args = {"--sudo", "--sudo-password-env", "AF_SUDO_PW"};
        if (pty) args.push_back("--pty");
        // The command prints text like a prompt: only sudo's own is answered.
        auto r = f.ssh(args, {"id", "-un;", "echo", "'[sudo] password for x:'", ">&2;", "cat"});
        CHECK_MESSAGE(r.status == 0, r.out << r.err);
        const auto rec = only_record(r);
        CHECK(rec["error"].is_null());
        CHECK(rec["pty"] == pty);
        const auto out = rec["stdout"].get<std::string>();
        // (With a pty, sudo's newline after the password comes first.)
        CHECK(out.find(pty ? "\r\nroot\r\n" : "root\n") == 0);
        CHECK(out.find("asyncfetch-sudo") == std::string::npos); // the prompt is not kept
        if (pty)
            CHECK(out.find("[sudo] password for x:") != std::string::npos); // merged
        else
            CHECK(rec["stderr"] == "[sudo] password for x:\n");
        CHECK_FALSE(mentions(r, sshd_server::password()));
    }
}

TEST_CASE("ssh --sudo --stream: lines as they arrive, without sudo's prompt") {
    if (sshd_unavailable()) return;
    sudo_fixture f;
    if (unavailable(f)) return;
    ::setenv("AF_SUDO_PW", sshd_server::password(), 1);
    auto r = f.ssh({"--sudo", "--sudo-password-env", "AF_SUDO_PW", "--stream"}, {"id", "-un"});
    CHECK_MESSAGE(r.status == 0, r.out << r.err);
    CHECK(r.out.find(": root\n") != std::string::npos);
    CHECK(r.out.find("asyncfetch-sudo") == std::string::npos);
    CHECK(r.err.find("asyncfetch-sudo") == std::string::npos);
    CHECK_FALSE(mentions(r, sshd_server::password()));
}

TEST_CASE("ssh --sudo: a wrong password is one clear error record, not a hang") {
    if (sshd_unavailable()) return;
    sudo_fixture f;
    if (unavailable(f)) return;
    const auto pw_file = f.sshd.dir().write("sudo-pw", "wrong-sudo-password-9\n");
    for (const bool pty : {false, true}) {
        CAPTURE(pty);
        std::vector<std::string> args = {"--sudo", "--sudo-password-file", pw_file, "--timeout",
                                         "60"};
        if (pty) args.push_back("--pty");
        const auto before = std::chrono::steady_clock::now();
        auto r = f.ssh(args, {"touch", f.sshd.remote_scratch() + "/ran"});
        CHECK(r.status == 1);
        const auto rec = only_record(r);
        CHECK(rec["error"] == "sudo: wrong password (sudo asked again; the command did not run)");
        CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(30));
        CHECK_FALSE(std::filesystem::exists(f.sshd.remote_scratch() + "/ran"));
        CHECK_FALSE(mentions(r, "wrong-sudo-password-9"));
    }
    // No password at all: sudo's prompt stops the command, and says what to give.
    auto none = f.ssh({"--sudo"}, {"true"});
    CHECK(none.status == 1);
    CHECK(only_record(none)["error"].get<std::string>().find("sudo asked for a password") == 0);
}

TEST_CASE("ssh --sudo-user: a user sudo does not allow is sudo's refusal in the record") {
    if (sshd_unavailable()) return;
    sudo_fixture f;
    if (unavailable(f)) return;
    ::setenv("AF_SUDO_PW", sshd_server::password(), 1);
    for (const bool pty : {false, true}) {
        CAPTURE(pty);
        std::vector<std::string> args = {"--sudo-user", "nobody", "--sudo-password-env",
                                         "AF_SUDO_PW"};
        if (pty) args.push_back("--pty");
        auto r = f.ssh(args, {"id", "-un"});
        CHECK(r.status == 1);
        const auto error = only_record(r)["error"].get<std::string>();
        CHECK_MESSAGE(error.find("sudo refused: Sorry, user asyncfetch-test is not allowed to "
                                 "execute") == 0,
                      error);
        CHECK_FALSE(mentions(r, sshd_server::password()));
    }
}

TEST_CASE("ssh --pty: a tty, stdout and stderr merged, flags checked") {
    if (sshd_unavailable()) return;
    sudo_fixture f;
    auto r = f.ssh({"--pty"}, {"test", "-t", "0", "&&", "echo", "tty;", "echo", "err", ">&2"});
    CHECK_MESSAGE(r.status == 0, r.out << r.err);
    const auto rec = only_record(r);
    CHECK(rec["pty"] == true);
    CHECK(rec["stdout"] == "tty\r\nerr\r\n");
    CHECK(rec["stderr"] == "");
    auto plain = f.ssh({}, {"test", "-t", "0", "||", "echo", "no tty"});
    CHECK(only_record(plain)["stdout"] == "no tty\n");
    CHECK(only_record(plain)["pty"] == false);

    ::setenv("AF_SUDO_PW", "x", 1);
    auto orphan = f.ssh({"--sudo-password-env", "AF_SUDO_PW"}, {"true"});
    CHECK(orphan.status == 2);
    CHECK(orphan.err.find("a sudo password needs --sudo") != std::string::npos);
    auto with_stdin = f.ssh({"--sudo", "--stdin", "-"}, {"true"});
    CHECK(with_stdin.status == 2);
}

// libssh2 1.10 sends one channel request per channel (a second, such as a
// "signal", is refused as LIBSSH2_ERROR_BAD_USE): without a pty nothing can
// stop the command, as the README says; with one, dropping the session hangs
// the tty up.
TEST_CASE("ssh --timeout: with --pty the remote command is hung up, without it runs on") {
    if (sshd_unavailable()) return;
    sudo_fixture f;
    for (const bool pty : {true, false}) {
        CAPTURE(pty);
        const auto pid_file = f.sshd.remote_scratch() + "/cmd-" + std::to_string(pty) + ".pid";
        std::vector<std::string> args = {"--timeout", "1"};
        if (pty) args.push_back("--pty");
        auto r = f.ssh(args, {"echo $$ >", pid_file, "; exec sleep 30"});
        CHECK(r.status == 1);
        CHECK(only_record(r)["error"].get<std::string>().find("command: timed out after 1.0 s") ==
              0);
        // sshd runs on this machine: look at the command's process.
        const auto text = read_file(pid_file);
        REQUIRE(!text.empty());
        const pid_t pid = std::stoi(text);
        auto running = [pid] {
            std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
            std::string line;
            return std::getline(stat, line) && line.find(") Z") == std::string::npos;
        };
        bool gone = false;
        for (int i = 0; i < 200 && !gone; ++i) {
            gone = !running();
            if (!gone) ::usleep(10 * 1000);
        }
        CHECK(gone == pty);
        if (!gone) ::kill(pid, SIGKILL);
    }
}

// A command whose output never pauses: libssh2 may never say EAGAIN, and the
// read loop must still give the loop its turn, or the timeout's timer never
// runs and the run lasts as long as the output (200 GB: many minutes).
TEST_CASE("ssh --timeout: a command whose output never pauses is timed out on time") {
    if (sshd_unavailable()) return;
    sudo_fixture f;
    const auto start = std::chrono::steady_clock::now();
    auto r = f.ssh({"--timeout", "1"}, {"exec head -c 200000000000 /dev/zero"});
    const double took = seconds_since(start);
    CHECK(r.status == 1);
    CHECK(only_record(r)["error"].get<std::string>().find("command: timed out after 1.0 s") == 0);
    CHECK_MESSAGE(took < 90, "the run took " << took << " s");
}
