#include "asyncfetch/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace asyncfetch {
namespace {

mode_t umask_now() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

// A rename is only durable once the directory holding the name is on disk.
int sync_directory(const fs::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    const int rc = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    // Some file systems cannot fsync a directory; the rename itself succeeded.
    return rc == EINVAL || rc == EROFS ? 0 : rc;
}

} // namespace

std::string file_error_message(const std::string& path, const char* step, int error) {
    return path + ": cannot " + step + ": " + std::strerror(error);
}

std::error_code atomic_file::fail(const char* step, int error) {
    if (!error_) {
        error_ = {error, std::generic_category()};
        message_ = file_error_message(path_, step, error);
    }
    discard();
    return error_;
}

std::error_code atomic_file::open(std::string path, unsigned mode) {
    discard();
    path_ = std::move(path);
    error_.clear();
    message_.clear();
    const fs::path target(path_);
    temp_ = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(temp_.data(), O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        temp_.clear();
        return fail("create a temp file beside it", error);
    }
    ::fchmod(fd, static_cast<mode_t>(mode) & 07777 & ~umask_now());
    stream_ = ::fdopen(fd, "w");
    if (!stream_) {
        const int error = errno;
        ::close(fd);
        return fail("open", error);
    }
    return {};
}

std::error_code atomic_file::write(std::string_view bytes) {
    if (error_) return error_;
    if (!stream_) return fail("write", EBADF);
    if (std::fwrite(bytes.data(), 1, bytes.size(), stream_) != bytes.size())
        return fail("write", errno);
    return {};
}

std::error_code atomic_file::commit(const std::function<void(int fd)>& before_rename,
                                    bool sync) {
    if (error_) return error_;
    if (!stream_) return fail("write", EBADF);
    if (std::fflush(stream_) != 0) return fail("write", errno);
    if (before_rename) before_rename(::fileno(stream_));
    if (sync && ::fsync(::fileno(stream_)) != 0) return fail("sync", errno);
    const int closed = std::fclose(stream_);
    stream_ = nullptr;
    if (closed != 0) return fail("write", errno);
    if (::rename(temp_.c_str(), path_.c_str()) != 0) return fail("rename into place", errno);
    temp_.clear();
    if (!sync) return {};
    if (const int error = sync_directory(fs::path(path_).parent_path()))
        return fail("sync its directory", error);
    return {};
}

void atomic_file::discard() noexcept {
    if (stream_) std::fclose(stream_);
    stream_ = nullptr;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    temp_.clear();
}

std::string write_file_atomically(const std::string& path, std::string_view bytes) {
    atomic_file file;
    if (file.open(path) || file.write(bytes) || file.commit()) return file.error_message();
    return {};
}

} // namespace asyncfetch
