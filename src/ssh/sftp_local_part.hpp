// get --resume's local side: the partial download at a fixed name beside the
// target (".NAME.af-part-resume"), kept when a copy fails so that the next
// run goes on from its end, renamed over the target when complete (after
// fsync, like core/atomic_file). Private to src/ssh.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace asyncfetch::ssh::detail {

class local_part {
public:
    local_part() = default;
    ~local_part();
    local_part(const local_part&) = delete;
    local_part& operator=(const local_part&) = delete;

    // Opens the partial file for `target` (never through a symbolic link),
    // creating it empty if missing. Its length is length().
    std::error_code open(const std::string& target);
    std::uint64_t length() const noexcept { return length_; }
    int fd() const noexcept { return fd_; }
    // Empties it (a prefix that does not match the source).
    std::error_code restart();
    std::error_code write(std::string_view bytes);
    // `before_rename` on the descriptor, fsync (`sync`), rename over the
    // target, fsync the directory (`sync`).
    std::error_code commit(const std::function<void(int fd)>& before_rename, bool sync);
    // "DIR/.NAME.af-part-resume: cannot write: No space left on device"
    const std::string& error_message() const noexcept { return message_; }

private:
    std::error_code fail(const char* step, int error);

    std::string target_, temp_, message_;
    int fd_ = -1;
    std::uint64_t length_ = 0;
};

} // namespace asyncfetch::ssh::detail
