// `asyncfetch put` and `get` against a real OpenSSH sshd (internal-sftp) on
// loopback. The "hosts" share this machine's file system, so what the server
// wrote can be checked directly on disk.
#include "tools/common.hpp"
#include "tools/process.hpp"
#include "tools/small_fs.hpp"
#include "tools/sshd.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using namespace asyncfetch::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& bytes, mode_t mode) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
    ::chmod(path.c_str(), mode);
}

struct entry_facts {
    bool is_dir = false;
    mode_t mode = 0;
    std::string bytes;
    bool operator==(const entry_facts&) const = default;
};

// Every entry under root (not following links): relative path -> kind, mode, content.
std::map<std::string, entry_facts> tree_facts(const fs::path& root) {
    std::map<std::string, entry_facts> facts;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        struct stat st {};
        ::lstat(e.path().c_str(), &st);
        entry_facts f;
        f.is_dir = S_ISDIR(st.st_mode);
        f.mode = st.st_mode & 0777;
        if (S_ISREG(st.st_mode)) f.bytes = read_file(e.path());
        facts[fs::relative(e.path(), root).string()] = f;
    }
    return facts;
}

// A tree with the cases that go wrong: modes, an empty file, a file of several
// MB (many pipelined SFTP requests), deep and read-only directories.
void make_tree(const fs::path& root) {
    write_file(root / "a.txt", "alpha\n", 0644);
    write_file(root / "bin/run.sh", "#!/bin/sh\necho run\n", 0755);
    write_file(root / "big.bin", random_bytes(5 * 1024 * 1024 + 123, 7), 0600);
    write_file(root / "empty", "", 0640);
    write_file(root / "sub/deeper/x", "x\n", 0604);
    write_file(root / "locked/inside", "in a read-only directory\n", 0444);
    ::chmod((root / "locked").c_str(), 0555);
    ::chmod(root.c_str(), 0750);
}

struct sftp_fixture {
    sshd_server sshd{{"127.0.0.1", "127.0.0.2"}, true}; // each address its own SFTP start directory
    temp_dir dir;
    std::string host(const std::string& address) const {
        return std::string(sshd_server::user()) + "@" + address + ":" + std::to_string(sshd.port());
    }
    std::string hosts(const std::vector<std::string>& addresses) const {
        std::string text;
        for (const auto& a : addresses)
            text += host(a) + "\n";
        return dir.write("hosts.txt", text);
    }
    run_result run_af(const std::string& cmd, std::vector<std::string> args) const {
        std::vector<std::string> argv = {
            cmd,  "--known-hosts",   dir.file("known_hosts"), "--no-agent", "-q",
            "-i", sshd.ed25519_key()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(asyncfetch_cmd(argv), "", 120);
    }
};

} // namespace

TEST_CASE("sftp: a tree goes to two hosts and comes back byte for byte with its modes") {
    if (sshd_unavailable()) return;
    sftp_fixture f;
    const fs::path local = fs::path(f.dir.path()) / "tree";
    make_tree(local);
    const auto original = tree_facts(local);
    const auto hosts = f.hosts({"127.0.0.1", "127.0.0.2"});

    // put into "." (each host's own start directory, existing): lands under the local name.
    auto put = f.run_af("put", {hosts, "-r", local.string(), "."});
    CHECK_MESSAGE(put.status == 0, put.out << put.err);
    CHECK_MESSAGE(put.err.find(" MB sent;") != std::string::npos,
                  put.err); // the summary's word for uploads
    auto records = records_of(put.out);
    REQUIRE(records.size() == 2);
    for (const auto& r : records) {
        CHECK(r["op"] == "put");
        CHECK(r["error"].is_null());
        CHECK(r["files"] == 6);
        CHECK(r["directories"] == 5);
        CHECK(r["bytes"] == 5 * 1024 * 1024 + 123 + 6 + 19 + 2 + 25);
    }
    for (const auto* address : {"127.0.0.1", "127.0.0.2"}) {
        const auto remote_tree = fs::path(f.sshd.sftp_dir(address)) / "tree";
        CHECK_MESSAGE(tree_facts(remote_tree) == original, remote_tree);
        struct stat st {};
        ::stat((remote_tree / "big.bin").c_str(), &st);
        struct stat orig {};
        ::stat((local / "big.bin").c_str(), &orig);
        CHECK(st.st_mtime == orig.st_mtime); // times kept, like scp -p
        // No temporary file is left behind.
        for (const auto& e : fs::recursive_directory_iterator(remote_tree))
            CHECK_MESSAGE(e.path().filename().string().find(".af-part-") == std::string::npos,
                          e.path());
    }

    // get it back from both hosts: LOCALDIR/<host>/tree.
    const fs::path back = fs::path(f.dir.path()) / "back";
    auto get = f.run_af("get", {hosts, "-r", "tree", back.string()});
    CHECK_MESSAGE(get.status == 0, get.out << get.err);
    REQUIRE(records_of(get.out).size() == 2);
    for (const auto* address : {"127.0.0.1", "127.0.0.2"}) {
        const auto copy = back /
                          (std::string(sshd_server::user()) + "@" + address + "+" +
                           std::to_string(f.sshd.port())) /
                          "tree";
        CHECK_MESSAGE(tree_facts(copy) == original, copy);
    }

    // A single file under a new name, then again over the existing copy.
    auto one = f.run_af("put", {hosts, (local / "a.txt").string(), "renamed.txt"});
    CHECK(one.status == 0);
    CHECK(read_file(fs::path(f.sshd.sftp_dir("127.0.0.2")) / "renamed.txt") == "alpha\n");
    write_file(local / "a.txt", "beta\n", 0644);
    auto again = f.run_af("put", {hosts, (local / "a.txt").string(), "renamed.txt"});
    CHECK(again.status == 0);
    for (const auto* address : {"127.0.0.1", "127.0.0.2"}) // replaced an existing file
        CHECK(read_file(fs::path(f.sshd.sftp_dir(address)) / "renamed.txt") == "beta\n");
}

// put keeps its 4 MiB window of write requests topped up as acknowledgements
// come back: a file of several windows, not a multiple of the 30,000-byte
// request size, must arrive as it was (and come back so through get).
TEST_CASE("sftp: a file of several windows goes and comes back byte for byte") {
    if (sshd_unavailable()) return;
    sftp_fixture f;
    const auto hosts = f.hosts({"127.0.0.1"});
    const auto bytes = random_bytes(11 * 1024 * 1024 + 4321, 11);
    const fs::path local = fs::path(f.dir.path()) / "several.bin";
    write_file(local, bytes, 0644);
    auto put = f.run_af("put", {hosts, local.string(), "several.bin"});
    CHECK_MESSAGE(put.status == 0, put.out << put.err);
    CHECK(read_file(fs::path(f.sshd.sftp_dir("127.0.0.1")) / "several.bin") == bytes);
    const fs::path back = fs::path(f.dir.path()) / "back";
    auto get = f.run_af("get", {hosts, "several.bin", back.string()});
    CHECK_MESSAGE(get.status == 0, get.out << get.err);
    const auto from =
        std::string(sshd_server::user()) + "@127.0.0.1+" + std::to_string(f.sshd.port());
    CHECK(read_file(back / from / "several.bin") == bytes);
}

TEST_CASE("sftp: directories need -r, missing files give one error record per host") {
    if (sshd_unavailable()) return;
    sftp_fixture f;
    const auto hosts = f.hosts({"127.0.0.1", "127.0.0.2"});
    auto dir = f.run_af("put", {hosts, f.dir.path(), f.sshd.remote_scratch()});
    CHECK(dir.status == 1);
    auto records = records_of(dir.out);
    REQUIRE(records.size() == 2);
    CHECK(records[0]["error"].get<std::string>().find("is a directory (use -r)") !=
          std::string::npos);

    auto missing = f.run_af("get", {hosts, f.sshd.remote_scratch() + "/nope", f.dir.file("out")});
    CHECK(missing.status == 1);
    records = records_of(missing.out);
    REQUIRE(records.size() == 2);
    for (const auto& r : records)
        CHECK_MESSAGE(r["error"].get<std::string>().find("no such file") != std::string::npos, r);
    CHECK(missing.err.find("2 host(s) failed") != std::string::npos);
}

TEST_CASE("sftp: get never writes outside LOCALDIR (dot-dot paths, links, planted symlinks)") {
    if (sshd_unavailable()) return;
    sftp_fixture f;
    const auto hosts = f.hosts({"127.0.0.1"});
    const fs::path remote = fs::path(f.sshd.remote_scratch()) / "tree";
    write_file(remote / "a.txt", "remote a\n", 0644);
    write_file(remote / "sub/b.txt", "remote b\n", 0644);
    fs::create_directory_symlink("/etc", remote / "etc-link"); // a link to a directory outside
    fs::create_symlink("a.txt", remote / "a-link");            // a link to a file inside

    const fs::path sandbox = fs::path(f.dir.path()) / "sandbox";
    const fs::path localdir = sandbox / "localdir";
    const auto host_dir = localdir / (std::string(sshd_server::user()) + "@127.0.0.1+" +
                                      std::to_string(f.sshd.port()));
    // A symlink planted where a downloaded file will go must be replaced, not followed.
    const fs::path victim = sandbox / "victim";
    write_file(victim, "untouched\n", 0644);
    fs::create_directories(host_dir / "tree");
    fs::create_symlink(victim, host_dir / "tree" / "a.txt");

    // "tree/sub/.." is resolved by the server: it is "tree", stored as tree/.
    auto r = f.run_af("get", {hosts, "-r", (remote / "sub" / "..").string(), localdir.string()});
    CHECK_MESSAGE(r.status == 0, r.out << r.err);
    auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK(read_file(victim) == "untouched\n");
    CHECK_FALSE(fs::is_symlink(host_dir / "tree" / "a.txt"));
    CHECK(read_file(host_dir / "tree" / "a.txt") == "remote a\n");
    CHECK(read_file(host_dir / "tree" / "sub" / "b.txt") == "remote b\n");
    CHECK(read_file(host_dir / "tree" / "a-link") == "remote a\n"); // followed to a file
    CHECK_FALSE(fs::exists(host_dir / "tree" / "etc-link")); // a linked directory is not entered
    const auto skipped = records[0]["skipped"].dump();
    CHECK_MESSAGE(skipped.find("etc-link") != std::string::npos, skipped);
    // Nothing new appeared beside LOCALDIR.
    std::vector<std::string> beside;
    for (const auto& e : fs::directory_iterator(sandbox))
        beside.push_back(e.path().filename().string());
    std::sort(beside.begin(), beside.end());
    CHECK(beside == std::vector<std::string>{"localdir", "victim"});
}

TEST_CASE("sftp: a transfer cut short leaves the old file under the final name") {
    if (sshd_unavailable()) return;
    sftp_fixture f;
    const auto hosts = f.hosts({"127.0.0.1"});
    const fs::path remote = fs::path(f.sshd.remote_scratch()) / "big.bin";
    write_file(remote, "the previous version\n", 0644);
    const auto big = f.dir.file("big.bin");
    {
        std::ofstream out(big, std::ios::binary);
        const auto block = random_bytes(1 << 20, 3);
        for (int i = 0; i < 400; ++i)
            out << block; // 400 MB: far more than loopback SFTP moves in 0.3 s
    }
    auto r = f.run_af("put", {hosts, "-t", "0.3", big, remote.string()});
    CHECK(r.status == 1);
    auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK_MESSAGE(records[0]["error"].get<std::string>().find("transfer: timed out") == 0,
                  records[0]);
    CHECK(read_file(remote) == "the previous version\n");
}

TEST_CASE("sftp: get onto a full disk is the host's error and keeps the old local file") {
    if (sshd_unavailable()) return;
    small_fs disk(64 * 1024);
    if (!disk.mounted()) return;
    sftp_fixture f;
    const auto hosts = f.hosts({"127.0.0.1"});
    const fs::path remote = fs::path(f.sshd.remote_scratch()) / "data.bin";
    write_file(remote, random_bytes(256 * 1024, 5), 0644); // four times the disk
    const auto local = fs::path(disk.path()) / (std::string(sshd_server::user()) + "@127.0.0.1+" +
                                                std::to_string(f.sshd.port()));
    write_file(local / "data.bin", "the previous version\n", 0644);
    auto r = f.run_af("get", {hosts, remote.string(), disk.path()});
    CHECK(r.status == 1);
    const auto records = records_of(r.out);
    REQUIRE(records.size() == 1);
    CHECK_MESSAGE(records[0]["error"].get<std::string>().find("No space left on device") !=
                      std::string::npos,
                  records[0]);
    CHECK(read_file(local / "data.bin") == "the previous version\n");
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(local)) // no temp file left behind
        entries += e.path().filename() != "data.bin";
    CHECK(entries == 0);
}
