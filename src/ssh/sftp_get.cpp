// SFTP get: a remote file or tree into a local directory. Names the server
// lists never choose a local path outside it; each file is written under a
// temporary name beside its target and renamed into place when complete.
#include "sftp_channel.hpp"
#include "sftp_local_part.hpp"

#include "asyncfetch/core/atomic_file.hpp"
#include "asyncfetch/ssh/sftp_names.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <vector>

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace asyncfetch::ssh {
namespace {

using namespace detail;

// Downloads keep the permission bits but never set-user/group-ID bits a
// server asks for.
void set_local_times_and_mode(int fd, const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
    if (attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS)
        ::fchmod(fd, static_cast<mode_t>(attrs.permissions & 0777));
    if (attrs.flags & LIBSSH2_SFTP_ATTR_ACMODTIME) {
        const timespec times[2] = {{static_cast<time_t>(attrs.atime), 0},
                                   {static_cast<time_t>(attrs.mtime), 0}};
        ::futimens(fd, times);
    }
}
void set_local_times_and_mode(const std::string& path, const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    set_local_times_and_mode(fd, attrs);
    ::close(fd);
}

// The copy steps of a get as coroutines over one channel.
class downloader {
public:
    explicit downloader(sftp_channel& ch) : ch_(ch) {}

    asio::awaitable<ssh_failure> get(const std::string& remote, const std::string& local_dir) {
        // The server resolves the path: "x/.." or "." get a real last name.
        std::string real(4096, '\0');
        const long len = co_await ch_.retry([&] {
            return libssh2_sftp_symlink_ex(ch_.sftp(), remote.data(), path_len(remote), real.data(),
                                           static_cast<unsigned int>(real.size()),
                                           LIBSSH2_SFTP_REALPATH);
        });
        if (len < 0) co_return ch_.fail(len, "get", remote);
        real.resize(static_cast<std::size_t>(len));
        LIBSSH2_SFTP_ATTRIBUTES attrs{};
        const long st = co_await ch_.stat(real, LIBSSH2_SFTP_STAT, attrs);
        if (st != 0) co_return ch_.fail(st, "get", remote);
        const bool is_dir = LIBSSH2_SFTP_S_ISDIR(attrs.permissions);
        if (is_dir && !ch_.options().recursive)
            co_return ch_.transfer_fail("get " + remote + ": is a directory (use -r)");
        if (!is_dir && !LIBSSH2_SFTP_S_ISREG(attrs.permissions))
            co_return ch_.transfer_fail("get " + remote + ": not a regular file");

        std::error_code ec;
        fs::create_directories(local_dir, ec);
        if (ec) co_return ch_.local_fail(local_dir, ec);
        const auto name = last_component(real);
        if (name.empty()) { // the remote root: its contents go straight into local_dir
            co_return co_await get_tree(real, local_dir, attrs);
        }
        if (auto bad = unsafe_name_problem(name)) co_return ch_.refuse_name(real, *bad);
        const auto target = (fs::path(local_dir) / name).string();
        if (is_dir) co_return co_await get_tree(real, target, attrs);
        co_return co_await get_file(real, target, attrs);
    }

    asio::awaitable<ssh_failure> get_tree(const std::string& remote, const std::string& local,
                                          const LIBSSH2_SFTP_ATTRIBUTES& dir_attrs) {
        if (::mkdir(local.c_str(), 0700) != 0) {
            struct stat st {};
            // An existing directory is fine; a symbolic link is not followed.
            if (errno != EEXIST || ::lstat(local.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
                co_return ch_.local_fail(local, std::make_error_code(std::errc::not_a_directory));
        }
        ++ch_.stats().directories;
        std::vector<sftp_channel::dir_entry> entries;
        const long listed = co_await ch_.list(remote, entries);
        if (listed != 0) co_return ch_.fail(listed, "get", "list " + remote);

        ssh_failure refused;
        for (auto& e : entries) {
            if (auto bad = unsafe_name_problem(e.name)) {
                // A hostile or broken server: never let its names pick local paths.
                auto r = ch_.refuse_name(join_remote(remote, e.name), *bad);
                if (!refused) refused = r;
                continue;
            }
            const auto from = join_remote(remote, e.name);
            const auto to = (fs::path(local) / e.name).string();
            auto attrs = e.attrs;
            if (LIBSSH2_SFTP_S_ISLNK(attrs.permissions)) {
                // Followed to a file; a linked directory is not entered.
                if (co_await ch_.stat(from, LIBSSH2_SFTP_STAT, attrs) != 0 ||
                    !LIBSSH2_SFTP_S_ISREG(attrs.permissions)) {
                    ch_.stats().skipped.push_back(
                        from + ": symbolic link not to a regular file, not followed");
                    continue;
                }
            }
            ssh_failure failed;
            if (LIBSSH2_SFTP_S_ISDIR(attrs.permissions))
                failed = co_await get_tree(from, to, attrs);
            else if (LIBSSH2_SFTP_S_ISREG(attrs.permissions))
                failed = co_await get_file(from, to, attrs);
            else
                ch_.stats().skipped.push_back(from + ": not a regular file or directory");
            if (failed) co_return failed;
        }
        set_local_times_and_mode(local, dir_attrs);
        co_return refused;
    }

    asio::awaitable<ssh_failure> get_file(const std::string& remote, const std::string& local,
                                          const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
        const auto& o = ch_.options();
        // --update / --checksum: is the local copy there already?
        const auto source = facts_of(attrs);
        if (source && (o.update || o.checksum)) {
            const auto done = co_await already_there(remote, local, *source, attrs);
            if (done) co_return ssh_failure{};
        }
        LIBSSH2_SFTP_HANDLE* handle = nullptr;
        const long opened =
            co_await ch_.open(remote, LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE, handle);
        if (!handle) co_return ch_.fail(opened, "get", "open " + remote);
        if (o.resume) co_return co_await get_resumable(handle, remote, local, attrs);

        // Written beside `local` under a temporary name, then renamed over it:
        // rename(2) replaces whatever is at `local` (a link itself, not its
        // target). Private (0600) until the remote mode is set.
        atomic_file file;
        if (file.open(local, 0600)) {
            co_await ch_.close(handle);
            co_return local_file_fail(file.error_message());
        }
        ssh_failure failed = co_await read_all(
            handle, remote, [&](std::string_view b) { return !file.write(b); },
            [&] { return file.error_message(); });
        co_await ch_.close(handle);
        if (failed) co_return failed; // `file` removes its temp file
        // No fsync unless asked (--fsync): a bulk download, as scp and rsync write files.
        if (file.commit([&](int fd) { set_local_times_and_mode(fd, attrs); }, o.fsync))
            co_return local_file_fail(file.error_message());
        ++ch_.stats().files;
        co_return ssh_failure{};
    }

private:
    // True when the local copy matches (counted as unchanged, its time set
    // to the remote one if only that differed).
    asio::awaitable<bool> already_there(const std::string& remote, const std::string& local,
                                        file_facts source, const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
        const int fd = ::open(local.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) co_return false;
        struct closer {
            int fd;
            ~closer() { ::close(fd); }
        } close_fd{fd};
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) co_return false;
        const file_facts copy{static_cast<std::uint64_t>(st.st_size),
                              static_cast<std::int64_t>(st.st_mtime)};
        auto action = decide_copy(ch_.options(), source, copy);
        if (action == copy_action::compare_content) {
            const auto ours = local_sha256(fd, copy.size);
            const auto theirs = co_await ch_.remote_sha256(remote, source.size);
            action = ours && theirs == ours ? copy_action::unchanged : copy_action::copy;
        }
        if (action != copy_action::unchanged) co_return false;
        ++ch_.stats().files_unchanged;
        if (copy.mtime != source.mtime) set_local_times_and_mode(fd, attrs);
        co_return true;
    }

    // --resume: into the fixed partial file, from its end when it is a prefix.
    asio::awaitable<ssh_failure> get_resumable(LIBSSH2_SFTP_HANDLE* handle,
                                               const std::string& remote, const std::string& local,
                                               const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
        local_part part;
        const auto source = facts_of(attrs);
        bool ok = !part.open(local);
        std::uint64_t keep = 0;
        if (ok && source) keep = resumable_length(file_facts{part.length(), 0}, source->size);
        if (ok && keep > 0 && ch_.options().checksum) {
            // --checksum: the kept prefix must be the remote file's.
            const auto ours = local_sha256(part.fd(), keep);
            const auto theirs = co_await ch_.remote_sha256(remote, keep);
            if (!ours || theirs != ours) keep = 0;
        }
        if (ok && keep != part.length()) ok = !part.restart();
        if (!ok) {
            co_await ch_.close(handle);
            co_return local_file_fail(part.error_message());
        }
        if (keep > 0) {
            libssh2_sftp_seek64(handle, keep);
            ++ch_.stats().files_resumed;
        }
        ssh_failure failed = co_await read_all(
            handle, remote, [&](std::string_view b) { return !part.write(b); },
            [&] { return part.error_message(); });
        co_await ch_.close(handle);
        if (failed) co_return failed; // the partial file stays for the next run
        if (part.commit([&](int fd) { set_local_times_and_mode(fd, attrs); }, ch_.options().fsync))
            co_return local_file_fail(part.error_message());
        ++ch_.stats().files;
        co_return ssh_failure{};
    }

    // Reads the remote file to its end into `write` (false: a local failure,
    // worded by `why`).
    template <class Write, class Why>
    asio::awaitable<ssh_failure> read_all(LIBSSH2_SFTP_HANDLE* handle, const std::string& remote,
                                          Write write, Why why) {
        // One buffer for every file of the host (zeroing megabytes per small
        // file cost more CPU than receiving it).
        if (buf_.empty()) buf_.resize(ch_.options().buffer_size);
        auto& buf = buf_;
        for (;;) {
            const long n = co_await ch_.retry([&] {
                return static_cast<long>(libssh2_sftp_read(handle, buf.data(), buf.size()));
            });
            if (n < 0) co_return ch_.fail(n, "get", "read " + remote);
            if (n == 0) co_return ssh_failure{};
            ch_.stats().bytes += static_cast<std::uint64_t>(n);
            if (!write(std::string_view(buf.data(), static_cast<std::size_t>(n))))
                co_return local_file_fail(why());
        }
    }

    // "local DIR/NAME: cannot write: No space left on device"
    static ssh_failure local_file_fail(const std::string& message) {
        return {make_error_code(ssh_errc::transfer_failed), "local " + message};
    }

    sftp_channel& ch_;
    std::vector<char> buf_;
};

} // namespace

asio::awaitable<ssh_failure> get(session& s, const std::string& remote,
                                 const std::string& local_dir, const transfer_options& options,
                                 transfer_stats& stats) {
    sftp_channel channel(s, options, stats);
    if (auto failed = co_await channel.start()) co_return failed;
    downloader copy(channel);
    auto failed = co_await copy.get(remote, local_dir);
    co_await channel.finish();
    co_return failed;
}

} // namespace asyncfetch::ssh
