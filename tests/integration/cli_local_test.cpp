// `asyncfetch local`: a local command per target, through the real binary.
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

run_result local(std::vector<std::string> args, const std::vector<std::string>& command,
                 int timeout_s = 60) {
    std::vector<std::string> argv = {"local", "-q"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    return run(asyncfetch_cmd(argv), "", timeout_s);
}

// A live process (a zombie is gone: it runs nothing).
bool alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return false;
    const auto close = text.rfind(')');
    return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

bool gone_within(pid_t pid, int ms) {
    for (int waited = 0; waited < ms; waited += 10) {
        if (!alive(pid)) return true;
        ::usleep(10 * 1000);
    }
    return !alive(pid);
}

std::map<std::string, json> by_target(const std::string& out) {
    std::map<std::string, json> m;
    for (auto& r : records_of(out))
        m[r["target"].get<std::string>()] = r;
    return m;
}

} // namespace

TEST_CASE("local: one record per target, a target is one argv word, never shell syntax") {
    temp_dir dir;
    const auto marker = dir.file("injected");
    const auto targets =
        dir.write("t.txt", "alpha\nhttp://127.0.0.1:9/x?a=1\nx; touch " + marker + "\n");
    auto r = local(
        {targets},
        {"sh", "-c", "printf '%s|' \"$@\"; echo err >&2; exit 3", "sh", "<{}>", "{host}"}, 60);
    // {host} of "alpha" and "x; touch ..." is no URL's: they are hosts lines?
    // "x; touch" is not a host, so the run is refused before anything runs.
    CHECK(r.status == 2);
    CHECK(r.err.find("t.txt:3: no host in") != std::string::npos);
    CHECK(records_of(r.out).empty());

    auto ok = local({targets}, {"sh", "-c", "printf '%s|' \"$@\"; echo err >&2; exit 3", "sh",
                                "<{}>", "--url={}"});
    CHECK_MESSAGE(ok.status == 1, ok.err);
    auto records = by_target(ok.out);
    REQUIRE(records.size() == 3);
    CHECK(records["alpha"]["stdout"] == "<alpha>|--url=alpha|");
    CHECK(records["alpha"]["stderr"] == "err\n");
    CHECK(records["alpha"]["exit_status"] == 3);
    CHECK(records["alpha"]["signal"].is_null());
    CHECK(records["alpha"]["error"].is_null());
    CHECK(records["alpha"]["elapsed_ms"].get<double>() > 0);
    CHECK(records["x; touch " + marker]["stdout"] ==
          "<x; touch " + marker + ">|--url=x; touch " + marker + "|");
    CHECK_FALSE(std::filesystem::exists(marker));
    CHECK(ok.err.find("3 target(s) failed") != std::string::npos);
}

TEST_CASE("local: {host} and {url} from URLs and hosts lines, no placeholder appends the target") {
    temp_dir dir;
    const auto targets = dir.write("t.txt", "http://127.0.0.1:9/a\nhttps://[::1]/b\n");
    auto r = local({targets, "--ordered", "-c", "1"}, {"echo", "{host}", "{url}"});
    CHECK_MESSAGE(r.status == 0, r.err);
    auto records = records_of(r.out);
    REQUIRE(records.size() == 2);
    CHECK(records[0]["stdout"] == "127.0.0.1 http://127.0.0.1:9/a\n");
    CHECK(records[1]["stdout"] == "::1 https://[::1]/b\n");
    CHECK(records[0]["command"] == json::array({"echo", "127.0.0.1", "http://127.0.0.1:9/a"}));

    const auto hosts = dir.write("h.txt", "root@web1:2222\n");
    auto appended = local({hosts}, {"echo", "host"});
    CHECK(records_of(appended.out).at(0)["stdout"] == "host root@web1:2222\n");
    auto host = local({hosts}, {"echo", "{host}"});
    CHECK(records_of(host.out).at(0)["stdout"] == "web1\n");
    // {url} needs a URL: the line is named, nothing runs.
    auto not_url = local({hosts}, {"echo", "{url}"});
    CHECK(not_url.status == 2);
    CHECK(not_url.err.find("h.txt:1: 'root@web1:2222' is not an http(s) URL") != std::string::npos);
    // --keep-going: that line is an error record, the others run.
    const auto mixed = dir.write("m.txt", "http://127.0.0.1:9/a\nroot@web1\n");
    auto kept = local({mixed, "--keep-going"}, {"echo", "{url}"});
    CHECK(kept.status == 1);
    auto records_kept = by_target(kept.out);
    REQUIRE(records_kept.size() == 2);
    CHECK(records_kept["root@web1"]["error"] ==
          "line 2: 'root@web1' is not an http(s) URL (for {url})");
    CHECK(records_kept["http://127.0.0.1:9/a"]["exit_status"] == 0);
}

TEST_CASE("local: --shell runs one sh -c script with each target single-quoted") {
    temp_dir dir;
    const auto marker = dir.file("injected");
    const auto targets = dir.write("t.txt", "it's $(touch " + marker + ")\n");
    auto r = local({targets, "--shell"}, {"echo", "{}", "|", "tr", "a-z", "A-Z"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(records_of(r.out).at(0)["stdout"] == "IT'S $(TOUCH " + [&] {
        std::string m = marker;
        for (auto& c : m)
            c = static_cast<char>(std::toupper(c));
        return m;
    }() + ")\n");
    CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("local: a timeout kills the whole process group, grandchildren included") {
    temp_dir dir;
    const auto targets = dir.write("t.txt", "one\n");
    const auto pid_file = dir.file("grandchild.pid");
    // The grandchild writes its pid and sleeps; the child waits for it.
    auto r = local({targets, "--timeout", "0.5"},
                   {"sh", "-c", "sleep 60 & echo $! > " + pid_file + "; echo started; wait"});
    CHECK(r.status == 1);
    const auto record = records_of(r.out).at(0);
    CHECK(record["signal"] == "TERM");
    CHECK(record["exit_status"].is_null());
    CHECK(record["stdout"] == "started\n"); // the output so far is kept
    CHECK(record["error"].get<std::string>().find("timed out after 0.5 s") != std::string::npos);
    CHECK(record["elapsed_ms"].get<double>() < 5000);
    const pid_t grandchild = std::stoi(read_file(pid_file));
    CHECK(gone_within(grandchild, 2000));

    // A command that ignores SIGTERM gets SIGKILL after --kill-after.
    auto stubborn =
        local({targets, "--timeout", "0.3", "--kill-after", "0.3"},
              {"sh", "-c", "trap '' TERM; sleep 60 & echo $! > " + pid_file + "; wait"});
    const auto killed = records_of(stubborn.out).at(0);
    CHECK(killed["signal"] == "KILL");
    CHECK(killed["error"].get<std::string>().find("got TERM, KILL") != std::string::npos);
    CHECK(gone_within(std::stoi(read_file(pid_file)), 2000));
}

TEST_CASE("local: children see only stdin, stdout and stderr, not the client's sockets") {
    temp_dir dir;
    // A socket without CLOEXEC: the binary inherits it, its children must not.
    const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(sock >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(sock, 1) == 0);
    const auto targets = dir.write("t.txt", "a\nb\nc\nd\n");
    for (const auto* processes : {"1", "2"}) {
        CAPTURE(processes);
        auto r = local({targets, "-j", processes, "-o", dir.file("out.jsonl")},
                       {"sh", "-c", "ls /proc/$$/fd; : {}"});
        CHECK_MESSAGE(r.status == 0, r.err);
        const auto records = records_of(read_file(dir.file("out.jsonl")));
        REQUIRE(records.size() == 4);
        for (const auto& rec : records)
            CHECK(rec["stdout"] == "0\n1\n2\n");
    }
    ::close(sock);
}

TEST_CASE("local: exit statuses, --compare and -j, usage errors exit 2") {
    temp_dir dir;
    const auto targets = dir.write("t.txt", "1\n2\n3\n4\n");
    auto ok = local({targets, "--compare", "-j", "2", "-c", "2"}, {"sh", "-c", "exit 0", "{}"});
    CHECK_MESSAGE(ok.status == 0, ok.err);
    CHECK(records_of(ok.out).size() == 4);
    CHECK(ok.err.find("serial cost") != std::string::npos);
    CHECK(ok.err.find("2 processes cost") != std::string::npos);

    auto some = local({targets}, {"sh", "-c", "test $0 != 3"});
    CHECK(some.status == 1);
    auto records = by_target(some.out);
    CHECK(records["3"]["exit_status"] == 1);
    CHECK(records["2"]["exit_status"] == 0);

    auto missing = local({targets}, {"/nonexistent/tool", "{}"});
    CHECK(missing.status == 1);
    CHECK(records_of(missing.out)
              .at(0)["error"]
              .get<std::string>()
              .find("cannot run '/nonexistent/tool': No such file") != std::string::npos);

    auto typo = local({targets}, {"echo", "{hots}"});
    CHECK(typo.status == 2);
    CHECK(typo.err.find("unknown placeholder {hots}") != std::string::npos);
    CHECK(records_of(typo.out).empty());
    // Literal braces: awk's, the shell's, and "{{".
    auto braces =
        local({targets, "-c", "1", "--ordered"}, {"sh", "-c", "echo \"$1\" ${0:-x}", "{}", "{{x}"});
    CHECK_MESSAGE(braces.status == 0, braces.err);
    CHECK(records_of(braces.out).at(0)["stdout"] == "{x} 1\n");
    auto no_command = run(asyncfetch_cmd({"local", targets}));
    CHECK(no_command.status == 2);
}

TEST_CASE("local: a JSON config job of kind local, its mistakes named by JSON path") {
    temp_dir dir;
    const auto config = dir.write("c.json", R"({"jobs": [
        {"name": "words", "kind": "local", "targets": ["a b", "c"],
         "command": ["printf", "<%s>", "{}"], "timeout": "5s", "kill_after": "1s"},
        {"name": "script", "kind": "local", "targets": ["x"], "command": "echo {} | tr x y"}
    ]})");
    auto r = run(asyncfetch_cmd({"run", config, "--once", "-q"}));
    CHECK_MESSAGE(r.status == 0, r.err);
    auto words = by_target(read_file(dir.file("words.jsonl")));
    CHECK(words["a b"]["stdout"] == "<a b>");
    CHECK(words["c"]["stdout"] == "<c>");
    CHECK(records_of(read_file(dir.file("script.jsonl"))).at(0)["stdout"] == "y\n");

    const auto bad = dir.write("bad.json", R"({"jobs": [
        {"name": "w", "kind": "local", "targets": ["a"], "command": ["echo", "{nope}"],
         "out_dir": "x"}]})");
    auto refused = run(asyncfetch_cmd({"run", bad, "--once"}));
    CHECK(refused.status == 2);
    CHECK(refused.err.find("jobs[0].command: unknown placeholder {nope}") != std::string::npos);
    CHECK(refused.err.find("jobs[0]: unknown key 'out_dir' for a local job") != std::string::npos);
}

TEST_CASE("local: Ctrl-C cancels every command, its process group killed, one record each") {
    temp_dir dir;
    const auto targets = dir.write("t.txt", "a\nb\n");
    const auto pids = dir.file("pids");
    child run_local(asyncfetch_cmd(
        {"local", "-q", targets, "--", "sh", "-c", "echo $$ >> " + pids + "; exec sleep 30"}));
    for (int i = 0; i < 500 && lines_of(read_file(pids)).size() < 2; ++i)
        ::usleep(10 * 1000);
    REQUIRE(lines_of(read_file(pids)).size() == 2);
    run_local.signal(SIGINT);
    const auto r = run_local.wait(30);
    CHECK(r.status == 130);
    const auto records = records_of(r.out);
    CHECK(records.size() == 2);
    for (const auto& rec : records)
        CHECK(rec["error"] == "cancelled");
    for (const auto& pid : lines_of(read_file(pids)))
        CHECK(gone_within(std::stoi(pid), 2000));
}
