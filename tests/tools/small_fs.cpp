#include "tools/small_fs.hpp"

#include <doctest/doctest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <vector>

namespace asyncfetch::testing {

small_fs::small_fs(std::size_t bytes) {
    char pattern[] = "/tmp/asyncfetch-fullfs-XXXXXX";
    if (!::mkdtemp(pattern)) return;
    path_ = pattern;
    const auto options = "size=" + std::to_string(bytes);
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
    if (!mounted_)
        MESSAGE("SKIPPED (full disk part): cannot mount a tmpfs on " << path_ << ": "
                                                                     << std::strerror(errno));
}

small_fs::~small_fs() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    if (!path_.empty()) ::rmdir(path_.c_str());
}

void small_fs::fill() const {
    const int fd = ::open(file("filler").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;
    const std::vector<char> block(4096, 'x');
    // tmpfs counts whole pages: one byte at a time for the last one.
    for (std::size_t size : {block.size(), std::size_t{1}})
        while (::write(fd, block.data(), size) > 0) {
        }
    ::close(fd);
}

} // namespace asyncfetch::testing
