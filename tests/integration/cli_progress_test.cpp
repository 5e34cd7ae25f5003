// The progress line through the real binary: on a pseudo-terminal it is drawn,
// redrawn in place and left with the final counts; with stderr a pipe (or
// --no-progress) not one byte of it is written.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/sshd.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <set>

using namespace asyncfetch::testing;

namespace {

const std::string erase = "\r\033[K";

// Runs argv with stdin, stdout and stderr on a new pseudo-terminal; returns
// all it wrote there. Killed after `timeout_s`.
run_result run_on_terminal(const std::vector<std::string>& argv, int timeout_s = 30,
                           unsigned short columns = 200) {
    winsize size{};
    size.ws_row = 24;
    size.ws_col = columns;
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    run_result r;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    for (;;) {
        pollfd p{master, POLLIN, 0};
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(&p, 1, 100) <= 0) continue;
        char buf[4096];
        const auto n = ::read(master, buf, sizeof buf);
        if (n <= 0) break; // EIO: the child's side closed
        r.err.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

// The progress frames drawn (the text after each erase that starts with '['),
// in order, each cut at the next control character.
std::vector<std::string> frames_of(const std::string& screen) {
    std::vector<std::string> frames;
    for (auto at = screen.find(erase); at != std::string::npos; at = screen.find(erase, at + 1)) {
        const auto from = at + erase.size();
        if (from >= screen.size() || screen[from] != '[') continue;
        const auto end = screen.find_first_of("\r\n\033", from);
        frames.push_back(screen.substr(from, end - from));
    }
    return frames;
}

// Checks the frames: redrawn with changing counts, the last one the final
// counts, left on the screen ("\r\n" after it, then the summary).
void check_progress(const std::string& screen, const std::string& last, std::size_t min_frames) {
    INFO(screen);
    const auto frames = frames_of(screen);
    REQUIRE(frames.size() >= min_frames);
    CHECK(std::set<std::string>(frames.begin(), frames.end()).size() >= 2); // it moved
    CHECK(frames.back().starts_with(last));
    const auto final_at = screen.rfind(erase + frames.back());
    CHECK(screen.compare(final_at + erase.size() + frames.back().size(), 2, "\r\n") == 0);
    CHECK(screen.find("targets:", final_at) != std::string::npos); // the summary below it
    CHECK(frames.back().find("ETA") == std::string::npos);
}

std::string local_targets(const temp_dir& dir) {
    return dir.write("hosts.txt", "a\nb\nc\nd\ne\nf\n");
}

} // namespace

TEST_CASE("progress: local on a terminal, with -q: redrawn in place, ends on the final counts") {
    temp_dir dir;
    auto r =
        run_on_terminal(asyncfetch_cmd({"local", "-q", "-c", "2", "-o", dir.file("out.jsonl"),
                                        local_targets(dir), "--", "sh", "-c", "sleep 0.25", "sh"}));
    CHECK(r.status == 0);
    check_progress(r.err, "[6/6] 6 ok, 0 failed | ", 3);
    // Before the end: an ETA while targets were left, and rate and p50 once one finished.
    const auto frames = frames_of(r.err);
    CHECK(std::any_of(frames.begin(), frames.end(), [](const std::string& f) {
        return f.find("ETA") != std::string::npos && f.find("p50") != std::string::npos;
    }));
    CHECK(lines_of(read_file(dir.file("out.jsonl"))).size() == 6);
}

TEST_CASE("progress: per-target lines go above the line, never into it, and -j N counts all") {
    temp_dir dir;
    auto r = run_on_terminal(
        asyncfetch_cmd({"local", "-j", "2", "-c", "1", "-o", dir.file("out.jsonl"),
                        local_targets(dir), "--", "sh", "-c", "sleep 0.2; exit 0", "sh"}));
    CHECK(r.status == 0);
    check_progress(r.err, "[6/6] 6 ok, 0 failed | ", 2);
    // Each screen line shows one thing: after its last erase, a frame or a
    // per-target line, with no progress frame text run into a target line.
    for (const auto& line : lines_of(r.err)) {
        const auto at = line.rfind(erase);
        const auto shown = at == std::string::npos ? line : line.substr(at + erase.size());
        if (shown.starts_with("[")) continue;
        CHECK_MESSAGE(shown.find("/6]") == std::string::npos, shown);
    }
}

TEST_CASE("progress: fetch and crawl on a terminal: a crawl's line has no total and no ETA") {
    asyncfetch::testserver::server server;
    temp_dir dir;
    std::string urls;
    for (int i = 0; i < 6; ++i)
        urls += server.base_url() + "/delay/200ms?n=" + std::to_string(i) + "\n";
    auto fetch = run_on_terminal(asyncfetch_cmd(
        {"fetch", "-q", "-c", "2", "-o", dir.file("f.jsonl"), dir.write("urls.txt", urls)}));
    CHECK(fetch.status == 0);
    check_progress(fetch.err, "[6/6] 6 ok, 0 failed | ", 3);

    auto crawl = run_on_terminal(
        asyncfetch_cmd({"crawl", "-q", "-o", dir.file("c.jsonl"),
                        dir.write("seed.txt", server.base_url() + "/delay/300ms\n")}));
    INFO(crawl.err);
    const auto frames = frames_of(crawl.err);
    REQUIRE_FALSE(frames.empty());
    CHECK(frames.back().starts_with("[1] 1 ok, 0 failed"));
    for (const auto& f : frames)
        CHECK(f.find("ETA") == std::string::npos);
}

TEST_CASE("progress: ssh and put on a terminal count every host") {
    if (sshd_unavailable()) return;
    sshd_server sshd({"127.0.0.1", "127.0.0.2", "127.0.0.3"});
    temp_dir dir;
    std::string known, hosts;
    for (const std::string a : {"127.0.0.1", "127.0.0.2", "127.0.0.3"}) {
        known += sshd.known_hosts_line(a);
        hosts += a + "\n";
    }
    const std::vector<std::string> common = {"--known-hosts",
                                             dir.write("known_hosts", known),
                                             "--no-agent",
                                             "-q",
                                             "-i",
                                             sshd.ed25519_key(),
                                             "-l",
                                             sshd_server::user(),
                                             "-p",
                                             std::to_string(sshd.port())};
    const auto list = dir.write("hosts.txt", hosts);
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin() + 1, common.begin(), common.end());
        return run_on_terminal(asyncfetch_cmd(args), 60);
    };
    auto ssh = with({"ssh", "-c", "1", "-o", dir.file("ssh.jsonl"), list, "--", "sleep 0.3"});
    CHECK(ssh.status == 0);
    check_progress(ssh.err, "[3/3] 3 ok, 0 failed | ", 2);
    auto put = with({"put", "-o", dir.file("put.jsonl"), list, dir.write("f.txt", "x\n"),
                     sshd.remote_scratch() + "/f.txt"});
    CHECK(put.status == 0);
    const auto frames = frames_of(put.err);
    REQUIRE_FALSE(frames.empty());
    CHECK(frames.back().starts_with("[3/3] 3 ok, 0 failed"));
}

TEST_CASE("progress: a terminal narrower than the line gets it cut, never wrapped") {
    temp_dir dir;
    auto r =
        run_on_terminal(asyncfetch_cmd({"local", "-q", "-c", "2", "-o", dir.file("out.jsonl"),
                                        local_targets(dir), "--", "sh", "-c", "sleep 0.2", "sh"}),
                        30, 30);
    CHECK(r.status == 0);
    const auto frames = frames_of(r.err);
    REQUIRE_FALSE(frames.empty());
    for (const auto& f : frames)
        CHECK(f.size() <= 29);
    CHECK(frames.back().starts_with("[6/6] 6 ok, 0 failed"));
}

TEST_CASE("progress: with stderr a pipe, or --no-progress, no progress byte is written") {
    temp_dir dir;
    const auto hosts = local_targets(dir);
    auto piped =
        run(asyncfetch_cmd({"local", "-c", "3", hosts, "--", "sh", "-c", "sleep 0.15", "sh"}));
    CHECK(piped.status == 0);
    CHECK(records_of(piped.out).size() == 6);
    CHECK(piped.err.find('\r') == std::string::npos);
    CHECK(piped.err.find('\033') == std::string::npos);
    CHECK(piped.err.find("6 targets: 6 ok") != std::string::npos);

    auto off = run_on_terminal(
        asyncfetch_cmd({"local", "-q", "--no-progress", "-c", "3", "-o", dir.file("out.jsonl"),
                        hosts, "--", "sh", "-c", "sleep 0.15", "sh"}));
    CHECK(off.status == 0);
    CHECK(off.err.find('\033') == std::string::npos);
    CHECK(off.err.find("6 targets: 6 ok") != std::string::npos);
}
