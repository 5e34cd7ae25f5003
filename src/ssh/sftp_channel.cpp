#include "sftp_channel.hpp"

#include "sftp_side_channel.hpp"

#include <algorithm>
#include <array>

namespace asio = boost::asio;

namespace asyncfetch::ssh::detail {

const char* fx_text(unsigned long fx) {
    switch (fx) {
    case LIBSSH2_FX_EOF:
        return "end of file";
    case LIBSSH2_FX_NO_SUCH_FILE:
        return "no such file";
    case LIBSSH2_FX_PERMISSION_DENIED:
        return "permission denied";
    case LIBSSH2_FX_FAILURE:
        return "failure";
    case LIBSSH2_FX_BAD_MESSAGE:
        return "bad message";
    case LIBSSH2_FX_OP_UNSUPPORTED:
        return "operation unsupported";
    case LIBSSH2_FX_NO_SUCH_PATH:
        return "no such path";
    case LIBSSH2_FX_FILE_ALREADY_EXISTS:
        return "file already exists";
    case LIBSSH2_FX_WRITE_PROTECT:
        return "write protected";
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
        return "no space left on the file system";
    case LIBSSH2_FX_QUOTA_EXCEEDED:
        return "quota exceeded";
    case LIBSSH2_FX_DIR_NOT_EMPTY:
        return "directory not empty";
    case LIBSSH2_FX_NOT_A_DIRECTORY:
        return "not a directory";
    case LIBSSH2_FX_INVALID_FILENAME:
        return "invalid file name";
    default:
        return "SFTP error";
    }
}

sftp_channel::sftp_channel(session& s, const transfer_options& options, transfer_stats& stats)
    : s_(s), raw_(s.raw()), options_(options), stats_(stats) {}

sftp_channel::~sftp_channel() = default;

asio::awaitable<ssh_failure> sftp_channel::start() {
    const long rc = co_await s_.retry([&] {
        sftp_ = libssh2_sftp_init(raw_);
        return sftp_ ? 0L : static_cast<long>(libssh2_session_last_errno(raw_));
    });
    if (!sftp_) co_return fail(rc, "sftp", "start the SFTP subsystem");
    co_return ssh_failure{};
}

asio::awaitable<void> sftp_channel::finish() {
    if (side_) co_await side_->finish();
    if (!sftp_) co_return;
    const long rc =
        co_await s_.retry([&] { return static_cast<long>(libssh2_sftp_shutdown(sftp_)); });
    if (rc == 0) sftp_ = nullptr;
}

asio::awaitable<long> sftp_channel::open(const std::string& path, unsigned long flags, long mode,
                                         int type, LIBSSH2_SFTP_HANDLE*& handle) {
    co_return co_await s_.retry([&] {
        handle = libssh2_sftp_open_ex(sftp_, path.data(), path_len(path), flags, mode, type);
        return handle ? 0L : static_cast<long>(libssh2_session_last_errno(raw_));
    });
}

asio::awaitable<long> sftp_channel::stat(const std::string& path, int type,
                                         LIBSSH2_SFTP_ATTRIBUTES& attrs) {
    co_return co_await retry(
        [&] { return libssh2_sftp_stat_ex(sftp_, path.data(), path_len(path), type, &attrs); });
}

asio::awaitable<long> sftp_channel::close(LIBSSH2_SFTP_HANDLE* handle) {
    co_return co_await retry([&] { return libssh2_sftp_close_handle(handle); });
}

asio::awaitable<long> sftp_channel::unlink(const std::string& path) {
    co_return co_await retry(
        [&] { return libssh2_sftp_unlink_ex(sftp_, path.data(), path_len(path)); });
}

asio::awaitable<long> sftp_channel::list(const std::string& path, std::vector<dir_entry>& entries) {
    LIBSSH2_SFTP_HANDLE* dir = nullptr;
    const long opened = co_await open(path, 0, 0, LIBSSH2_SFTP_OPENDIR, dir);
    if (!dir) co_return opened;
    std::array<char, 1024> name_buf;
    for (;;) {
        LIBSSH2_SFTP_ATTRIBUTES attrs{};
        const long n = co_await retry([&] {
            return static_cast<long>(
                libssh2_sftp_readdir_ex(dir, name_buf.data(), name_buf.size(), nullptr, 0, &attrs));
        });
        if (n < 0) {
            co_await close(dir);
            co_return n;
        }
        if (n == 0) break;
        std::string name(name_buf.data(), static_cast<std::size_t>(n));
        if (name == "." || name == "..") continue;
        entries.push_back({std::move(name), attrs});
    }
    co_await close(dir);
    std::sort(entries.begin(), entries.end(),
              [](const dir_entry& a, const dir_entry& b) { return a.name < b.name; });
    co_return 0;
}

ssh_failure sftp_channel::fail(long rc, const std::string& op, const std::string& what) const {
    std::string message = op + " " + what + ": ";
    if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL && sftp_)
        message += fx_text(libssh2_sftp_last_error(sftp_));
    else
        message += s_.last_error();
    return {libssh2_error(static_cast<int>(rc)), message};
}

ssh_failure sftp_channel::local_fail(const std::string& path, std::error_code ec) const {
    return {make_error_code(ssh_errc::transfer_failed), "local " + path + ": " + ec.message()};
}

ssh_failure sftp_channel::transfer_fail(std::string message) const {
    return {make_error_code(ssh_errc::transfer_failed), std::move(message)};
}

ssh_failure sftp_channel::refuse_name(const std::string& remote, const std::string& why) {
    stats_.skipped.push_back(remote + ": unsafe remote name (" + why + "), refused");
    return {make_error_code(ssh_errc::unsafe_remote_name),
            "get " + remote + ": unsafe remote name (" + why + "), refused"};
}

} // namespace asyncfetch::ssh::detail
