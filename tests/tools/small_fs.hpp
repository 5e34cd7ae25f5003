// A tiny tmpfs a test mounts to run out of disk space for real (root only).
#pragma once

#include <cstddef>
#include <string>

namespace asyncfetch::testing {

class small_fs {
public:
    // Mounts a tmpfs of `bytes` on a fresh directory; mounted() says whether
    // it worked (not root, no mount permission: the test skips, saying so).
    explicit small_fs(std::size_t bytes);
    ~small_fs(); // unmounts and removes the directory
    small_fs(const small_fs&) = delete;
    small_fs& operator=(const small_fs&) = delete;

    bool mounted() const noexcept { return mounted_; }
    const std::string& path() const noexcept { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Writes a filler file until the file system is full.
    void fill() const;

private:
    std::string path_;
    bool mounted_ = false;
};

} // namespace asyncfetch::testing
