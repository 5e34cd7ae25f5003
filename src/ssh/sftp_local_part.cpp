#include "sftp_local_part.hpp"

#include "asyncfetch/core/atomic_file.hpp"
#include "asyncfetch/ssh/sftp_names.hpp"
#include "asyncfetch/ssh/sftp_sync.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace fs = std::filesystem;

namespace asyncfetch::ssh::detail {

local_part::~local_part() {
    if (fd_ >= 0) ::close(fd_); // the partial file stays for the next run
}

std::error_code local_part::fail(const char* step, int error) {
    message_ = file_error_message(temp_, step, error);
    return {error, std::generic_category()};
}

std::error_code local_part::open(const std::string& target) {
    target_ = target;
    const fs::path t(target);
    temp_ = (t.parent_path() / temp_name_for(t.filename().string(), resume_suffix)).string();
    // O_NOFOLLOW: a link planted at the fixed name is not written through.
    fd_ = ::open(temp_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) return fail("open", errno);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return fail("stat", errno);
    if (!S_ISREG(st.st_mode)) return fail("open", EINVAL);
    length_ = static_cast<std::uint64_t>(st.st_size);
    if (::lseek(fd_, 0, SEEK_END) < 0) return fail("seek", errno);
    return {};
}

std::error_code local_part::restart() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) < 0) return fail("truncate", errno);
    length_ = 0;
    return {};
}

std::error_code local_part::write(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("write", errno);
        bytes.remove_prefix(static_cast<std::size_t>(n));
        length_ += static_cast<std::uint64_t>(n);
    }
    return {};
}

std::error_code local_part::commit(const std::function<void(int fd)>& before_rename, bool sync) {
    if (before_rename) before_rename(fd_);
    if (sync && ::fsync(fd_) != 0) return fail("fsync", errno);
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), target_.c_str()) != 0) return fail("rename", errno);
    if (!sync) return {};
    const auto dir = fs::path(target_).parent_path();
    const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd); // the rename on disk too (best effort, as some file systems refuse)
        ::close(dfd);
    }
    return {};
}

} // namespace asyncfetch::ssh::detail
