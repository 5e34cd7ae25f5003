// One SFTP channel over a session: the primitives put and get are written in
// (start, stat, open, close, every libssh2 call retried on EAGAIN) and the
// one wording of each kind of failure. Private to src/ssh: it speaks libssh2.
#pragma once

#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/session.hpp"
#include "asyncfetch/ssh/sftp.hpp"
#include "asyncfetch/ssh/sftp_sync.hpp"

#include <libssh2.h>
#include <libssh2_sftp.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace asyncfetch::ssh::detail {

class sftp_side_channel;

inline unsigned int path_len(const std::string& p) {
    return static_cast<unsigned int>(p.size());
}
inline std::error_code errno_code() {
    return {errno, std::generic_category()};
}

// Size and mtime of a regular file from its SFTP attributes; nullopt for
// anything else (a directory, a link, attributes without them).
inline std::optional<file_facts> facts_of(const LIBSSH2_SFTP_ATTRIBUTES& a) {
    constexpr unsigned long needed =
        LIBSSH2_SFTP_ATTR_SIZE | LIBSSH2_SFTP_ATTR_ACMODTIME | LIBSSH2_SFTP_ATTR_PERMISSIONS;
    if ((a.flags & needed) != needed || !LIBSSH2_SFTP_S_ISREG(a.permissions)) return std::nullopt;
    return file_facts{a.filesize, static_cast<std::int64_t>(a.mtime)};
}

// The words for an SFTP status code ("permission denied").
const char* fx_text(unsigned long fx);

// Every step returns a failure (empty on success); the first one ends the copy.
class sftp_channel {
public:
    sftp_channel(session& s, const transfer_options& options, transfer_stats& stats);
    ~sftp_channel();

    boost::asio::awaitable<ssh_failure> start();
    boost::asio::awaitable<void> finish();

    const transfer_options& options() const noexcept { return options_; }
    transfer_stats& stats() noexcept { return stats_; }
    LIBSSH2_SFTP* sftp() const noexcept { return sftp_; }

    // A libssh2 call returning a status, retried while it says EAGAIN.
    template <class Step>
    boost::asio::awaitable<long> retry(Step step) {
        co_return co_await s_.retry([&] { return static_cast<long>(step()); });
    }

    // Opens a file or directory (`type`: LIBSSH2_SFTP_OPENFILE/OPENDIR); the
    // status, with `handle` set on success.
    boost::asio::awaitable<long> open(const std::string& path, unsigned long flags, long mode,
                                      int type, LIBSSH2_SFTP_HANDLE*& handle);
    boost::asio::awaitable<long> stat(const std::string& path, int type,
                                      LIBSSH2_SFTP_ATTRIBUTES& attrs);
    boost::asio::awaitable<long> close(LIBSSH2_SFTP_HANDLE* handle);
    boost::asio::awaitable<long> unlink(const std::string& path);
    // A directory's entries but "." and "..", sorted by name. The status.
    struct dir_entry {
        std::string name;
        LIBSSH2_SFTP_ATTRIBUTES attrs;
    };
    boost::asio::awaitable<long> list(const std::string& path, std::vector<dir_entry>& entries);

    // The rest is in sftp_remote_ops.cpp.
    // Renames `temp` over `target` so that the target name never goes
    // missing: SFTP rename when nothing is there; posix-rename@openssh.com
    // when the server offers it; else `mv -f` over an exec channel; else
    // (neither allowed) remove the target and rename.
    boost::asio::awaitable<ssh_failure> replace(const std::string& temp, const std::string& target);
    // fsync@openssh.com on an open file (a no-op once the server said it
    // does not support it). The status.
    boost::asio::awaitable<long> fsync(LIBSSH2_SFTP_HANDLE* handle);
    // The SHA-256 (hex) of the first `length` bytes of a remote file:
    // `sha256sum` over an exec channel, else read through SFTP. nullopt if
    // both fail.
    boost::asio::awaitable<std::optional<std::string>> remote_sha256(const std::string& path,
                                                                     std::uint64_t length);

    // "put: open /x/.y.af-part-...: permission denied"
    ssh_failure fail(long rc, const std::string& op, const std::string& what) const;
    ssh_failure local_fail(const std::string& path, std::error_code ec) const;
    ssh_failure transfer_fail(std::string message) const;
    // Records the refused name in the skipped list too.
    ssh_failure refuse_name(const std::string& remote, const std::string& why);

private:
    // The server's absolute path for `path` (exec commands start elsewhere).
    boost::asio::awaitable<std::optional<std::string>> real_path(const std::string& path);
    boost::asio::awaitable<std::optional<std::string>> exec_sha256(const std::string& path,
                                                                   std::uint64_t length);
    boost::asio::awaitable<std::optional<std::string>> read_sha256(const std::string& path,
                                                                   std::uint64_t length);
    boost::asio::awaitable<ssh_failure> posix_rename(const std::string& temp,
                                                     const std::string& target);
    boost::asio::awaitable<bool> exec_move(const std::string& from, const std::string& to);

private:
    session& s_;
    LIBSSH2_SESSION* raw_;
    LIBSSH2_SFTP* sftp_ = nullptr;
    const transfer_options& options_;
    transfer_stats& stats_;
    std::unique_ptr<sftp_side_channel> side_; // opened by the first replace over a file
    std::optional<std::string> start_dir_;    // real_path("."), asked once
    bool side_tried_ = false, fsync_unsupported_ = false, exec_refused_ = false;
};

// The SHA-256 (hex) of the first `length` bytes of an open local file;
// nullopt if reading fails or the file is shorter.
std::optional<std::string> local_sha256(int fd, std::uint64_t length);

} // namespace asyncfetch::ssh::detail
