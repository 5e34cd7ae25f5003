// put/get --update, --checksum and --resume through the real binary against
// a real OpenSSH sshd, and replacing a file without its name going missing.
// The "hosts" share this machine's file system, so what the server wrote is
// checked on disk (and watched with inotify).
#include "tools/common.hpp"
#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace asyncfetch::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// What the test (root) writes on the "remote" side belongs to the test user,
// as files its earlier sessions left would.
void give_to_user(const fs::path& path) {
    const passwd* pw = ::getpwnam(sshd_server::user());
    REQUIRE(pw);
    ::chown(path.c_str(), pw->pw_uid, pw->pw_gid);
    if (fs::is_directory(path))
        for (const auto& e : fs::recursive_directory_iterator(path))
            ::chown(e.path().c_str(), pw->pw_uid, pw->pw_gid);
}

// Sets a file's mtime (seconds), as a copy that kept its time would have.
void set_mtime(const fs::path& path, time_t mtime) {
    const timespec times[2] = {{mtime, 0}, {mtime, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

time_t mtime_of(const fs::path& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_mtime;
}

// Records, in order, what happens to names in one directory.
class dir_watch {
public:
    explicit dir_watch(const fs::path& dir) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
        ::inotify_add_watch(fd_, dir.c_str(), IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE);
    }
    ~dir_watch() { ::close(fd_); }
    // "delete NAME", "moved_to NAME", ... since the last call.
    std::vector<std::string> events() {
        std::vector<std::string> out;
        alignas(inotify_event) char buf[64 * 1024];
        for (;;) {
            const ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) return out;
            for (char* p = buf; p < buf + n;) {
                const auto* e = reinterpret_cast<const inotify_event*>(p);
                const std::string name = e->len ? e->name : "";
                if (e->mask & IN_DELETE) out.push_back("delete " + name);
                if (e->mask & IN_MOVED_TO) out.push_back("moved_to " + name);
                p += sizeof(inotify_event) + e->len;
            }
        }
    }

private:
    int fd_;
};

// One host: 127.0.0.1 of an sshd that runs commands (sha256sum, mv), or of
// one whose sessions run only SFTP (sftp_only).
struct sync_fixture {
    explicit sync_fixture(bool sftp_only = false) : sshd({"127.0.0.1"}, sftp_only) {}
    sshd_server sshd;
    temp_dir dir;
    std::string hosts() const {
        return dir.write("hosts.txt", std::string(sshd_server::user()) +
                                          "@127.0.0.1:" + std::to_string(sshd.port()) + "\n");
    }
    fs::path remote() const { return sshd.remote_scratch(); }
    fs::path local() const { return fs::path(dir.path()) / "local"; }
    // get's LOCALDIR/<host> for the one host.
    fs::path got() const {
        return fs::path(dir.path()) / "got" /
               (std::string(sshd_server::user()) + "@127.0.0.1+" + std::to_string(sshd.port()));
    }
    json run_af(const std::string& cmd, std::vector<std::string> args) const {
        std::vector<std::string> argv = {cmd,
                                         "--known-hosts",
                                         dir.file("known_hosts"),
                                         "--no-agent",
                                         "-q",
                                         "-i",
                                         sshd.ed25519_key(),
                                         hosts()};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto r = run(asyncfetch_cmd(argv), "", 120);
        const auto records = records_of(r.out);
        REQUIRE_MESSAGE(records.size() == 1, r.out << r.err);
        CHECK_MESSAGE(r.status == 0, r.out << r.err);
        return records[0];
    }
    json put(std::vector<std::string> flags) const {
        flags.insert(flags.end(), {"-r", local().string(), remote().string()});
        return run_af("put", flags);
    }
    json get(std::vector<std::string> flags) const {
        flags.insert(flags.end(), {"-r", (remote() / "local").string(),
                                   (fs::path(dir.path()) / "got").string()});
        return run_af("get", flags);
    }
};

void make_sync_tree(const fs::path& root) {
    write_file(root / "a.txt", "alpha\n");
    write_file(root / "b.bin", random_bytes(300 * 1024, 1));
    write_file(root / "sub/c.txt", "gamma\n");
    write_file(root / "sub/deeper/d.bin", random_bytes(70 * 1024, 2));
}

} // namespace

TEST_CASE("sftp sync: a second put --update sends nothing, then only the changed file") {
    if (sshd_unavailable()) return;
    sync_fixture f;
    make_sync_tree(f.local());
    auto first = f.put({"--update"});
    CHECK(first["files"] == 4);
    CHECK(first["files_unchanged"] == 0);
    CHECK(mtime_of(f.remote() / "local/b.bin") == mtime_of(f.local() / "b.bin"));

    auto second = f.put({"--update"});
    CHECK(second["files"] == 0);
    CHECK(second["files_unchanged"] == 4);
    CHECK(second["bytes"] == 0);

    write_file(f.local() / "sub/c.txt", "gamma, longer\n");
    auto third = f.put({"--update"});
    CHECK(third["files"] == 1);
    CHECK(third["files_unchanged"] == 3);
    CHECK(third["bytes"] == 14);
    CHECK(read_file(f.remote() / "local/sub/c.txt") == "gamma, longer\n");

    // Same size, another time: resent under --update.
    set_mtime(f.local() / "a.txt", mtime_of(f.local() / "a.txt") - 100);
    auto fourth = f.put({"--update"});
    CHECK(fourth["files"] == 1);
    CHECK(fourth["bytes"] == 6);

    // Without --update everything goes again (--fsync: each flushed by fsync@openssh.com).
    CHECK(f.put({"--fsync"})["files"] == 4);
    CHECK(read_file(f.remote() / "local/sub/c.txt") == "gamma, longer\n");
}

TEST_CASE("sftp sync: put --checksum catches a change of the same size and mtime") {
    if (sshd_unavailable()) return;
    for (const bool sftp_only : {false, true}) {
        CAPTURE(sftp_only);
        sync_fixture f(sftp_only);
        make_sync_tree(f.local());
        f.put({});
        // The remote copy changes but keeps its size and time.
        const auto copy = f.remote() / "local/a.txt";
        const auto when = mtime_of(copy);
        write_file(copy, "ALPHA\n");
        set_mtime(copy, when);
        CHECK(f.put({"--update"})["files"] == 0); // the quick check cannot see it
        auto checked = f.put({"--checksum"});
        CHECK(checked["files"] == 1);
        CHECK(checked["files_unchanged"] == 3);
        // Where exec runs, sha256sum hashes remotely; an SFTP-only account's
        // files are read back.
        CHECK(checked["checksum_via"] == (sftp_only ? "sftp" : "sha256sum"));
        CHECK(read_file(copy) == "alpha\n");
    }
}

TEST_CASE("sftp sync: put --resume goes on from a partial copy, and restarts from a wrong one") {
    if (sshd_unavailable()) return;
    sync_fixture f;
    const auto source = random_bytes(2 * 1024 * 1024 + 17, 9);
    write_file(f.local() / "big.bin", source);
    const auto partial = f.remote() / "local/.big.bin.af-part-resume";
    const auto target = f.remote() / "local/big.bin";
    fs::create_directories(f.remote() / "local");

    // A partial copy an interrupted run left: the rest is sent.
    write_file(partial, source.substr(0, 1000000));
    give_to_user(f.remote() / "local");
    auto resumed = f.put({"--resume"});
    CHECK(resumed["files_resumed"] == 1);
    CHECK(resumed["bytes"] == source.size() - 1000000);
    CHECK(read_file(target) == source);
    CHECK_FALSE(fs::exists(partial));

    // A prefix that differs: --checksum notices and sends it all.
    auto wrong = source.substr(0, 1000000);
    wrong[10] ^= 1;
    write_file(partial, wrong);
    give_to_user(partial);
    fs::remove(target);
    auto restarted = f.put({"--resume", "--checksum"});
    CHECK(restarted["files_resumed"] == 0);
    CHECK(restarted["bytes"] == source.size());
    CHECK(read_file(target) == source);

    // Longer than the source: not a prefix, restarted.
    write_file(partial, source + "more");
    give_to_user(partial);
    fs::remove(target);
    auto longer = f.put({"--resume"});
    CHECK(longer["files_resumed"] == 0);
    CHECK(read_file(target) == source);
}

TEST_CASE("sftp sync: a put cut short by its timeout is finished by put --resume") {
    if (sshd_unavailable()) return;
    sync_fixture f;
    fs::create_directories(f.local());
    {
        std::ofstream out(f.local() / "big.bin", std::ios::binary);
        const auto block = random_bytes(1 << 20, 3);
        for (int i = 0; i < 300; ++i)
            out << block; // far more than loopback SFTP moves in 0.3 s
    }
    const auto argv_base = std::vector<std::string>{"put",
                                                    "--known-hosts",
                                                    f.dir.file("known_hosts"),
                                                    "--no-agent",
                                                    "-q",
                                                    "-i",
                                                    f.sshd.ed25519_key(),
                                                    f.hosts()};
    auto cut_argv = argv_base;
    cut_argv.insert(cut_argv.end(), {"--resume", "-t", "0.3", (f.local() / "big.bin").string(),
                                     f.remote().string()});
    const auto cut = run(asyncfetch_cmd(cut_argv), "", 60);
    CHECK_MESSAGE(cut.status == 1, cut.out << cut.err);
    const auto partial = f.remote() / ".big.bin.af-part-resume";
    REQUIRE_MESSAGE(fs::exists(partial), cut.out << cut.err);
    // The server may still write what the cut client had sent: wait until it is still.
    auto kept = fs::file_size(partial);
    for (int i = 0; i < 50; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const auto now = fs::file_size(partial);
        if (now == kept) break;
        kept = now;
    }
    CHECK(kept > 0);
    CHECK_FALSE(fs::exists(f.remote() / "big.bin"));

    auto done =
        f.run_af("put", {"--resume", (f.local() / "big.bin").string(), f.remote().string()});
    CHECK(done["files_resumed"] == 1);
    CHECK(done["bytes"] == 300ull * (1 << 20) - kept);
    const auto sum = [](const fs::path& p) {
        return run({"/usr/bin/sha256sum", p.string()}, "", 60).out.substr(0, 64);
    };
    CHECK(sum(f.remote() / "big.bin") == sum(f.local() / "big.bin"));
}

TEST_CASE("sftp sync: replacing a file never removes its name (posix-rename or mv -f)") {
    if (sshd_unavailable()) return;
    for (const bool sftp_only : {false, true}) {
        CAPTURE(sftp_only);
        sync_fixture f(sftp_only);
        make_sync_tree(f.local());
        f.put({});
        write_file(f.local() / "a.txt", "alpha 2\n");
        dir_watch watch(f.remote() / "local");
        CHECK(f.put({"--update"})["files"] == 1);
        const auto events = watch.events();
        CHECK(std::find(events.begin(), events.end(), "moved_to a.txt") != events.end());
        CHECK(std::find(events.begin(), events.end(), "delete a.txt") == events.end());
        CHECK(read_file(f.remote() / "local/a.txt") == "alpha 2\n");
    }
}

TEST_CASE("sftp sync: get --update, --checksum and --resume") {
    if (sshd_unavailable()) return;
    sync_fixture f;
    make_sync_tree(f.remote() / "local");
    give_to_user(f.remote() / "local");
    auto first = f.get({"--update", "--fsync"});
    CHECK(first["files"] == 4);
    auto second = f.get({"--update"});
    CHECK(second["files"] == 0);
    CHECK(second["files_unchanged"] == 4);
    CHECK(second["bytes"] == 0);

    // A local copy changed with its size and time kept: --checksum alone sees it.
    const auto copy = f.got() / "local/a.txt";
    const auto when = mtime_of(copy);
    write_file(copy, "ALPHA\n");
    set_mtime(copy, when);
    CHECK(f.get({"--update"})["files"] == 0);
    dir_watch watch(f.got() / "local");
    auto checked = f.get({"--checksum"});
    CHECK(checked["files"] == 1);
    CHECK(checked["checksum_via"] == "sha256sum");
    CHECK(read_file(copy) == "alpha\n");
    const auto events = watch.events(); // renamed over, never removed
    CHECK(std::find(events.begin(), events.end(), "moved_to a.txt") != events.end());
    CHECK(std::find(events.begin(), events.end(), "delete a.txt") == events.end());

    // A partial download left beside the target: only the rest is read.
    const auto source = read_file(f.remote() / "local/b.bin");
    fs::remove(f.got() / "local/b.bin");
    write_file(f.got() / "local/.b.bin.af-part-resume", source.substr(0, 100000));
    auto resumed = f.get({"--resume", "--update"});
    CHECK(resumed["files_resumed"] == 1);
    CHECK(resumed["files"] == 1);
    CHECK(resumed["bytes"] == source.size() - 100000);
    CHECK(read_file(f.got() / "local/b.bin") == source);
    CHECK_FALSE(fs::exists(f.got() / "local/.b.bin.af-part-resume"));

    // A wrong prefix under --checksum: read again from the start.
    auto wrong = source.substr(0, 100000);
    wrong[5] ^= 1;
    fs::remove(f.got() / "local/b.bin");
    write_file(f.got() / "local/.b.bin.af-part-resume", wrong);
    auto restarted = f.get({"--resume", "--checksum"});
    CHECK(restarted["files_resumed"] == 0);
    CHECK(restarted["bytes"] == source.size());
    CHECK(read_file(f.got() / "local/b.bin") == source);
}
