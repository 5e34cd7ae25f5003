#include "asyncfetch/core/atomic_file.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>

using namespace asyncfetch;
using asyncfetch::testing::read_file;
using asyncfetch::testing::temp_dir;
namespace fs = std::filesystem;

namespace {

std::size_t entries_in(const std::string& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

} // namespace

TEST_CASE("atomic_file: the name holds the old bytes until commit, then all the new ones") {
    temp_dir dir;
    const auto path = dir.write("out.txt", "old\n");
    atomic_file f;
    REQUIRE_FALSE(f.open(path));
    CHECK_FALSE(f.write("new "));
    CHECK_FALSE(f.write("bytes\n"));
    CHECK(read_file(path) == "old\n");
    CHECK(entries_in(dir.path()) == 2); // the temp file beside it
    CHECK_FALSE(f.commit());
    CHECK(read_file(path) == "new bytes\n");
    CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("atomic_file: a failed step names the file and the reason, keeps the old file") {
    temp_dir dir;
    SUBCASE("no such directory") {
        atomic_file f;
        CHECK(f.open(dir.file("nope/out.txt")));
        CHECK(f.error_message() == dir.file("nope/out.txt") +
                                       ": cannot create a temp file beside it: No such file or "
                                       "directory");
        CHECK(f.write("x")); // sticky
    }
    SUBCASE("the rename fails: the temp file goes") {
        fs::create_directory(dir.file("taken"));
        dir.write("taken/inside", "keep");
        atomic_file f;
        REQUIRE_FALSE(f.open(dir.file("taken")));
        CHECK_FALSE(f.write("x"));
        CHECK(f.commit());
        CHECK(f.error_message().find(dir.file("taken") + ": cannot rename into place: ") == 0);
        CHECK(read_file(dir.file("taken/inside")) == "keep");
        CHECK(entries_in(dir.path()) == 1);
    }
    SUBCASE("never committed: the destructor removes the temp file") {
        {
            atomic_file f;
            REQUIRE_FALSE(f.open(dir.file("out.txt")));
            CHECK_FALSE(f.write("partial"));
        }
        CHECK(entries_in(dir.path()) == 0);
    }
}

TEST_CASE("write_file_atomically: an empty string or the error") {
    temp_dir dir;
    CHECK(write_file_atomically(dir.file("a"), "bytes") == "");
    CHECK(read_file(dir.file("a")) == "bytes");
    CHECK(write_file_atomically(dir.file("no/a"), "bytes").find("No such file") !=
          std::string::npos);
}

TEST_CASE("atomic_file: an asked mode less the umask, and mode and times set before the rename "
          "stay") {
    temp_dir dir;
    const auto path = dir.file("download.bin");
    atomic_file f;
    REQUIRE_FALSE(f.open(path, 0600));
    struct stat st {};
    // The temp file (the only entry) is private while its contents arrive.
    const auto temp = fs::directory_iterator(dir.path())->path();
    REQUIRE(::stat(temp.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(f.write(std::string(100000, 'x'))); // more than stdio's buffer holds
    CHECK_FALSE(f.write("tail"));
    const timespec times[2] = {{1000000000, 0}, {1234567890, 0}};
    CHECK_FALSE(f.commit([&](int fd) {
        ::fchmod(fd, 0640);
        ::futimens(fd, times);
    }));
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    CHECK(st.st_mtime == 1234567890); // no buffered write came after it
    CHECK(st.st_size == 100004);
}
