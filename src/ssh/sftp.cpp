#include "asyncfetch/ssh/sftp.hpp"

#include "asyncfetch/ssh/error.hpp"

#include <libssh2.h>
#include <libssh2_sftp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace asyncfetch::ssh {

std::optional<std::string> unsafe_name_problem(std::string_view name) {
    if (name.empty()) return "empty name";
    if (name == "." || name == "..") return "'" + std::string(name) + "' names a directory itself";
    if (name.find('/') != std::string_view::npos) return "name contains '/'";
    if (name.find('\0') != std::string_view::npos) return "name contains a NUL byte";
    return std::nullopt;
}

std::string last_component(std::string_view path) {
    while (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    if (path == "/") return "";
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string temp_name_for(std::string_view final_name, std::string_view suffix) {
    return "." + std::string(final_name) + ".af-part-" + std::string(suffix);
}

namespace {

constexpr unsigned long permission_bits = 07777;

// The permission bits and times of a local file, as SFTP attributes to set.
LIBSSH2_SFTP_ATTRIBUTES mode_and_times(const struct stat& st) {
    LIBSSH2_SFTP_ATTRIBUTES attrs{};
    attrs.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS | LIBSSH2_SFTP_ATTR_ACMODTIME;
    attrs.permissions = st.st_mode & permission_bits;
    attrs.atime = static_cast<unsigned long>(st.st_atime);
    attrs.mtime = static_cast<unsigned long>(st.st_mtime);
    return attrs;
}

std::string random_suffix() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(12, '0');
    for (auto& c : out)
        c = hex[gen() & 15];
    return out;
}

std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return "";
    return slash == 0 ? "/" : path.substr(0, slash);
}

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

// One SFTP channel over a session, with the copy steps as coroutines.
// Every step returns a failure (empty on success); the first one ends the copy.
class sftp_copier {
public:
    sftp_copier(session& s, const transfer_options& options, transfer_stats& stats)
        : s_(s), raw_(s.raw()), options_(options), stats_(stats) {}

    asio::awaitable<ssh_failure> start() {
        const long rc = co_await s_.retry([&] {
            sftp_ = libssh2_sftp_init(raw_);
            return sftp_ ? 0L : static_cast<long>(libssh2_session_last_errno(raw_));
        });
        if (!sftp_) co_return fail(rc, "sftp", "start the SFTP subsystem");
        co_return ssh_failure{};
    }

    asio::awaitable<void> finish() {
        if (!sftp_) co_return;
        const long rc =
            co_await s_.retry([&] { return static_cast<long>(libssh2_sftp_shutdown(sftp_)); });
        if (rc == 0) sftp_ = nullptr;
    }

    // ---- put ----

    asio::awaitable<ssh_failure> put(const std::string& local, const std::string& remote) {
        std::error_code ec;
        const auto status = fs::status(local, ec);
        if (ec || !fs::exists(status))
            co_return local_fail(
                local, ec ? ec : std::make_error_code(std::errc::no_such_file_or_directory));
        const bool is_dir = fs::is_directory(status);
        if (is_dir && !options_.recursive)
            co_return transfer_fail("put " + local + ": is a directory (use -r)");
        if (!is_dir && !fs::is_regular_file(status))
            co_return transfer_fail("put " + local + ": not a regular file");
        // Into an existing remote directory, under the local name (like scp).
        std::string target = remote;
        LIBSSH2_SFTP_ATTRIBUTES attrs{};
        if (co_await stat(remote, LIBSSH2_SFTP_STAT, attrs) == 0 &&
            LIBSSH2_SFTP_S_ISDIR(attrs.permissions)) {
            const auto name = fs::weakly_canonical(local).filename().string();
            if (name.empty()) co_return transfer_fail("put " + local + ": cannot name it remotely");
            target = join(remote, name);
        }
        // (No co_await inside ?: : GCC 12 destroys the frame under the result.)
        if (is_dir) co_return co_await put_tree(local, target);
        co_return co_await put_file(local, target);
    }

    asio::awaitable<ssh_failure> put_tree(const std::string& local, const std::string& remote) {
        struct stat st {};
        if (::stat(local.c_str(), &st) != 0) co_return local_fail(local, errno_code());
        // Created owner-writable so the contents can go in; the real mode comes last.
        const long made = co_await retry_path(
            [&] { return libssh2_sftp_mkdir_ex(sftp_, remote.data(), path_len(remote), 0700); });
        if (made != 0) {
            LIBSSH2_SFTP_ATTRIBUTES attrs{};
            const bool is_dir = co_await stat(remote, LIBSSH2_SFTP_STAT, attrs) == 0 &&
                                LIBSSH2_SFTP_S_ISDIR(attrs.permissions);
            if (!is_dir) co_return fail(made, "put", "mkdir " + remote);
        }
        ++stats_.directories;
        std::vector<fs::directory_entry> entries;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(local, ec))
            entries.push_back(e);
        if (ec) co_return local_fail(local, ec);
        std::sort(entries.begin(), entries.end());
        for (const auto& e : entries) {
            const auto name = e.path().filename().string();
            const auto from = e.path().string();
            const auto to = join(remote, name);
            // Symbolic links are followed to files; a linked directory is not
            // entered (it could loop or leave the tree).
            if (e.is_symlink(ec) && e.is_directory(ec)) {
                stats_.skipped.push_back(from + ": symbolic link to a directory, not followed");
                continue;
            }
            ssh_failure failed;
            if (e.is_directory(ec))
                failed = co_await put_tree(from, to);
            else if (e.is_regular_file(ec))
                failed = co_await put_file(from, to);
            else
                stats_.skipped.push_back(from + ": not a regular file or directory");
            if (failed) co_return failed;
        }
        co_return co_await set_remote_times_and_mode(remote, st);
    }

    asio::awaitable<ssh_failure> put_file(const std::string& local, const std::string& remote) {
        const int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) co_return local_fail(local, errno_code());
        struct closer {
            int fd;
            ~closer() { ::close(fd); }
        } close_fd{fd};
        struct stat st {};
        if (::fstat(fd, &st) != 0) co_return local_fail(local, errno_code());

        const auto temp =
            join(parent_of(remote), temp_name_for(last_component(remote), random_suffix()));
        LIBSSH2_SFTP_HANDLE* handle = nullptr;
        const long opened = co_await s_.retry([&] {
            handle = libssh2_sftp_open_ex(sftp_, temp.data(), path_len(temp),
                                          LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL,
                                          0600, LIBSSH2_SFTP_OPENFILE);
            return handle ? 0L : static_cast<long>(libssh2_session_last_errno(raw_));
        });
        if (!handle) co_return fail(opened, "put", "open " + temp);

        ssh_failure failed = co_await write_all(fd, handle, local, remote);
        if (!failed) {
            // Mode and times while the handle is open (no path lookups, no umask).
            auto attrs = mode_and_times(st);
            const long set =
                co_await retry_path([&] { return libssh2_sftp_fsetstat(handle, &attrs); });
            if (set != 0) failed = fail(set, "put", "set mode and times of " + remote);
        }
        const long closed = co_await close(handle);
        if (!failed && closed != 0) failed = fail(closed, "put", "close " + remote);
        if (!failed) failed = co_await rename_into_place(temp, remote);
        if (failed) {
            co_await retry_path(
                [&] { return libssh2_sftp_unlink_ex(sftp_, temp.data(), path_len(temp)); });
            co_return failed;
        }
        ++stats_.files;
        co_return ssh_failure{};
    }

    // ---- get ----

    asio::awaitable<ssh_failure> get(const std::string& remote, const std::string& local_dir) {
        // The server resolves the path: "x/.." or "." get a real last name.
        std::string real(4096, '\0');
        const long len = co_await retry_path([&] {
            return libssh2_sftp_symlink_ex(sftp_, remote.data(), path_len(remote), real.data(),
                                           static_cast<unsigned int>(real.size()),
                                           LIBSSH2_SFTP_REALPATH);
        });
        if (len < 0) co_return fail(len, "get", remote);
        real.resize(static_cast<std::size_t>(len));
        LIBSSH2_SFTP_ATTRIBUTES attrs{};
        const long st = co_await stat(real, LIBSSH2_SFTP_STAT, attrs);
        if (st != 0) co_return fail(st, "get", remote);
        const bool is_dir = LIBSSH2_SFTP_S_ISDIR(attrs.permissions);
        if (is_dir && !options_.recursive)
            co_return transfer_fail("get " + remote + ": is a directory (use -r)");
        if (!is_dir && !LIBSSH2_SFTP_S_ISREG(attrs.permissions))
            co_return transfer_fail("get " + remote + ": not a regular file");

        std::error_code ec;
        fs::create_directories(local_dir, ec);
        if (ec) co_return local_fail(local_dir, ec);
        const auto name = last_component(real);
        if (name.empty()) { // the remote root: its contents go straight into local_dir
            co_return co_await get_tree(real, local_dir, attrs);
        }
        if (auto bad = unsafe_name_problem(name)) co_return refuse_name(real, *bad);
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
                co_return local_fail(local, std::make_error_code(std::errc::not_a_directory));
        }
        ++stats_.directories;
        struct entry {
            std::string name;
            LIBSSH2_SFTP_ATTRIBUTES attrs;
        };
        std::vector<entry> entries;
        LIBSSH2_SFTP_HANDLE* dir = nullptr;
        const long opened = co_await s_.retry([&] {
            dir = libssh2_sftp_open_ex(sftp_, remote.data(), path_len(remote), 0, 0,
                                       LIBSSH2_SFTP_OPENDIR);
            return dir ? 0L : static_cast<long>(libssh2_session_last_errno(raw_));
        });
        if (!dir) co_return fail(opened, "get", "list " + remote);
        std::array<char, 1024> name_buf;
        for (;;) {
            LIBSSH2_SFTP_ATTRIBUTES attrs{};
            const long n = co_await s_.retry([&] {
                return static_cast<long>(libssh2_sftp_readdir_ex(
                    dir, name_buf.data(), name_buf.size(), nullptr, 0, &attrs));
            });
            if (n < 0) {
                co_await close(dir);
                co_return fail(n, "get", "list " + remote);
            }
            if (n == 0) break;
            std::string name(name_buf.data(), static_cast<std::size_t>(n));
            if (name == "." || name == "..") continue;
            entries.push_back({std::move(name), attrs});
        }
        co_await close(dir);
        std::sort(entries.begin(), entries.end(),
                  [](const entry& a, const entry& b) { return a.name < b.name; });

        ssh_failure refused;
        for (auto& e : entries) {
            if (auto bad = unsafe_name_problem(e.name)) {
                // A hostile or broken server: never let its names pick local paths.
                auto r = refuse_name(join(remote, e.name), *bad);
                if (!refused) refused = r;
                continue;
            }
            const auto from = join(remote, e.name);
            const auto to = (fs::path(local) / e.name).string();
            auto attrs = e.attrs;
            if (LIBSSH2_SFTP_S_ISLNK(attrs.permissions)) {
                // Followed to a file; a linked directory is not entered.
                if (co_await stat(from, LIBSSH2_SFTP_STAT, attrs) != 0 ||
                    !LIBSSH2_SFTP_S_ISREG(attrs.permissions)) {
                    stats_.skipped.push_back(from +
                                             ": symbolic link not to a regular file, not followed");
                    continue;
                }
            }
            ssh_failure failed;
            if (LIBSSH2_SFTP_S_ISDIR(attrs.permissions))
                failed = co_await get_tree(from, to, attrs);
            else if (LIBSSH2_SFTP_S_ISREG(attrs.permissions))
                failed = co_await get_file(from, to, attrs);
            else
                stats_.skipped.push_back(from + ": not a regular file or directory");
            if (failed) co_return failed;
        }
        set_local_times_and_mode(local, dir_attrs);
        co_return refused;
    }

    asio::awaitable<ssh_failure> get_file(const std::string& remote, const std::string& local,
                                          const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
        LIBSSH2_SFTP_HANDLE* handle = nullptr;
        const long opened = co_await s_.retry([&] {
            handle = libssh2_sftp_open_ex(sftp_, remote.data(), path_len(remote), LIBSSH2_FXF_READ,
                                          0, LIBSSH2_SFTP_OPENFILE);
            return handle ? 0L : static_cast<long>(libssh2_session_last_errno(raw_));
        });
        if (!handle) co_return fail(opened, "get", "open " + remote);

        const auto dir = fs::path(local).parent_path();
        const auto temp =
            (dir / temp_name_for(fs::path(local).filename().string(), random_suffix())).string();
        // O_EXCL|O_NOFOLLOW: never write through something planted at that name.
        const int fd =
            ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            const auto err = errno_code();
            co_await close(handle);
            co_return local_fail(temp, err);
        }
        ssh_failure failed = co_await read_all(handle, fd, remote, temp);
        co_await close(handle);
        if (!failed) {
            set_local_times_and_mode(fd, attrs);
            if (::close(fd) != 0) failed = local_fail(temp, errno_code());
        } else {
            ::close(fd);
        }
        // rename(2) replaces whatever is at `local` (a link itself, not its target).
        if (!failed && ::rename(temp.c_str(), local.c_str()) != 0)
            failed = local_fail(local, errno_code());
        if (failed) {
            ::unlink(temp.c_str());
            co_return failed;
        }
        ++stats_.files;
        co_return ssh_failure{};
    }

private:
    static unsigned int path_len(const std::string& p) {
        return static_cast<unsigned int>(p.size());
    }
    static std::error_code errno_code() { return {errno, std::generic_category()}; }

    template <class Step>
    asio::awaitable<long> retry_path(Step step) {
        co_return co_await s_.retry([&] { return static_cast<long>(step()); });
    }

    asio::awaitable<long> stat(const std::string& path, int type, LIBSSH2_SFTP_ATTRIBUTES& attrs) {
        co_return co_await retry_path(
            [&] { return libssh2_sftp_stat_ex(sftp_, path.data(), path_len(path), type, &attrs); });
    }

    asio::awaitable<long> close(LIBSSH2_SFTP_HANDLE* handle) {
        co_return co_await retry_path([&] { return libssh2_sftp_close_handle(handle); });
    }

    // "put: open /x/.y.af-part-...: permission denied"
    ssh_failure fail(long rc, const std::string& op, const std::string& what) const {
        std::string message = op + " " + what + ": ";
        if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL && sftp_)
            message += fx_text(libssh2_sftp_last_error(sftp_));
        else
            message += s_.last_error();
        return {libssh2_error(static_cast<int>(rc)), message};
    }
    ssh_failure local_fail(const std::string& path, std::error_code ec) const {
        return {make_error_code(ssh_errc::transfer_failed), "local " + path + ": " + ec.message()};
    }
    ssh_failure transfer_fail(std::string message) const {
        return {make_error_code(ssh_errc::transfer_failed), std::move(message)};
    }
    ssh_failure refuse_name(const std::string& remote, const std::string& why) {
        stats_.skipped.push_back(remote + ": unsafe remote name (" + why + "), refused");
        return {make_error_code(ssh_errc::unsafe_remote_name),
                "get " + remote + ": unsafe remote name (" + why + "), refused"};
    }

    asio::awaitable<ssh_failure> write_all(int fd, LIBSSH2_SFTP_HANDLE* handle,
                                           const std::string& local, const std::string& remote) {
        std::vector<char> buf(options_.buffer_size);
        for (;;) {
            const ssize_t got = ::read(fd, buf.data(), buf.size());
            if (got < 0) {
                if (errno == EINTR) continue;
                co_return local_fail(local, errno_code());
            }
            if (got == 0) co_return ssh_failure{};
            // One call sends the whole buffer as many write requests in
            // flight; it returns as acknowledgements come back.
            const char* p = buf.data();
            std::size_t left = static_cast<std::size_t>(got);
            while (left > 0) {
                const long n = co_await s_.retry(
                    [&] { return static_cast<long>(libssh2_sftp_write(handle, p, left)); });
                if (n < 0) co_return fail(n, "put", "write " + remote);
                p += n;
                left -= static_cast<std::size_t>(n);
                stats_.bytes += static_cast<std::uint64_t>(n);
            }
        }
    }

    asio::awaitable<ssh_failure> read_all(LIBSSH2_SFTP_HANDLE* handle, int fd,
                                          const std::string& remote, const std::string& local) {
        std::vector<char> buf(options_.buffer_size);
        for (;;) {
            const long n = co_await s_.retry([&] {
                return static_cast<long>(libssh2_sftp_read(handle, buf.data(), buf.size()));
            });
            if (n < 0) co_return fail(n, "get", "read " + remote);
            if (n == 0) co_return ssh_failure{};
            stats_.bytes += static_cast<std::uint64_t>(n);
            const char* p = buf.data();
            std::size_t left = static_cast<std::size_t>(n);
            while (left > 0) {
                const ssize_t w = ::write(fd, p, left);
                if (w < 0) {
                    if (errno == EINTR) continue;
                    co_return local_fail(local, errno_code());
                }
                p += w;
                left -= static_cast<std::size_t>(w);
            }
        }
    }

    // SFTP v3 (OpenSSH) has no overwriting rename: when the target exists,
    // remove it and rename again. The final name never holds a partial file.
    asio::awaitable<ssh_failure> rename_into_place(const std::string& temp,
                                                   const std::string& target) {
        auto rename = [&] {
            return retry_path([&] {
                return libssh2_sftp_rename_ex(
                    sftp_, temp.data(), path_len(temp), target.data(), path_len(target),
                    LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
                        LIBSSH2_SFTP_RENAME_NATIVE);
            });
        };
        long rc = co_await rename();
        if (rc != 0) {
            co_await retry_path(
                [&] { return libssh2_sftp_unlink_ex(sftp_, target.data(), path_len(target)); });
            rc = co_await rename();
        }
        if (rc != 0) co_return fail(rc, "put", "rename into " + target);
        co_return ssh_failure{};
    }

    asio::awaitable<ssh_failure> set_remote_times_and_mode(const std::string& remote,
                                                           const struct stat& st) {
        auto attrs = mode_and_times(st);
        const long rc = co_await retry_path([&] {
            return libssh2_sftp_stat_ex(sftp_, remote.data(), path_len(remote),
                                        LIBSSH2_SFTP_SETSTAT, &attrs);
        });
        if (rc != 0) co_return fail(rc, "put", "set mode and times of " + remote);
        co_return ssh_failure{};
    }

    // Downloads keep the permission bits but never set-user/group-ID bits a
    // server asks for.
    static void set_local_times_and_mode(int fd, const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
        if (attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS)
            ::fchmod(fd, static_cast<mode_t>(attrs.permissions & 0777));
        if (attrs.flags & LIBSSH2_SFTP_ATTR_ACMODTIME) {
            const timespec times[2] = {{static_cast<time_t>(attrs.atime), 0},
                                       {static_cast<time_t>(attrs.mtime), 0}};
            ::futimens(fd, times);
        }
    }
    static void set_local_times_and_mode(const std::string& path,
                                         const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return;
        set_local_times_and_mode(fd, attrs);
        ::close(fd);
    }

    session& s_;
    LIBSSH2_SESSION* raw_;
    LIBSSH2_SFTP* sftp_ = nullptr;
    const transfer_options& options_;
    transfer_stats& stats_;
};

} // namespace

asio::awaitable<ssh_failure> put(session& s, const std::string& local, const std::string& remote,
                                 const transfer_options& options, transfer_stats& stats) {
    sftp_copier copier(s, options, stats);
    if (auto failed = co_await copier.start()) co_return failed;
    auto failed = co_await copier.put(local, remote);
    co_await copier.finish();
    co_return failed;
}

asio::awaitable<ssh_failure> get(session& s, const std::string& remote,
                                 const std::string& local_dir, const transfer_options& options,
                                 transfer_stats& stats) {
    sftp_copier copier(s, options, stats);
    if (auto failed = co_await copier.start()) co_return failed;
    auto failed = co_await copier.get(remote, local_dir);
    co_await copier.finish();
    co_return failed;
}

} // namespace asyncfetch::ssh
