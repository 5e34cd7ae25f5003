// SFTP put: a local file or tree to the host, each file written under a
// temporary name beside its target and renamed into place when complete.
#include "sftp_channel.hpp"

#include "asyncfetch/ssh/sftp_names.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <vector>

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace asyncfetch::ssh {
namespace {

using namespace detail;

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

// The copy steps of a put as coroutines over one channel.
class uploader {
public:
    explicit uploader(sftp_channel& ch) : ch_(ch) {}

    asio::awaitable<ssh_failure> put(const std::string& local, const std::string& remote) {
        std::error_code ec;
        const auto status = fs::status(local, ec);
        if (ec || !fs::exists(status))
            co_return ch_.local_fail(
                local, ec ? ec : std::make_error_code(std::errc::no_such_file_or_directory));
        const bool is_dir = fs::is_directory(status);
        if (is_dir && !ch_.options().recursive)
            co_return ch_.transfer_fail("put " + local + ": is a directory (use -r)");
        if (!is_dir && !fs::is_regular_file(status))
            co_return ch_.transfer_fail("put " + local + ": not a regular file");
        // Into an existing remote directory, under the local name (like scp).
        std::string target = remote;
        LIBSSH2_SFTP_ATTRIBUTES attrs{};
        if (co_await ch_.stat(remote, LIBSSH2_SFTP_STAT, attrs) == 0 &&
            LIBSSH2_SFTP_S_ISDIR(attrs.permissions)) {
            const auto name = fs::weakly_canonical(local).filename().string();
            if (name.empty())
                co_return ch_.transfer_fail("put " + local + ": cannot name it remotely");
            target = join_remote(remote, name);
        }
        // (No co_await inside ?: : GCC 12 destroys the frame under the result.)
        if (is_dir) co_return co_await put_tree(local, target);
        co_return co_await put_file(local, target, nullptr);
    }

    asio::awaitable<ssh_failure> put_tree(const std::string& local, const std::string& remote) {
        struct stat st {};
        if (::stat(local.c_str(), &st) != 0) co_return ch_.local_fail(local, errno_code());
        // Created owner-writable so the contents can go in; the real mode comes last.
        const long made = co_await ch_.retry([&] {
            return libssh2_sftp_mkdir_ex(ch_.sftp(), remote.data(), path_len(remote), 0700);
        });
        // One listing of an existing directory answers every file's check
        // (rather than a stat per file).
        std::vector<sftp_channel::dir_entry> listing;
        if (made != 0) {
            LIBSSH2_SFTP_ATTRIBUTES attrs{};
            const bool is_dir = co_await ch_.stat(remote, LIBSSH2_SFTP_STAT, attrs) == 0 &&
                                LIBSSH2_SFTP_S_ISDIR(attrs.permissions);
            if (!is_dir) co_return ch_.fail(made, "put", "mkdir " + remote);
            const auto& o = ch_.options();
            if (o.update || o.checksum || o.resume) {
                const long listed = co_await ch_.list(remote, listing);
                if (listed != 0) co_return ch_.fail(listed, "put", "list " + remote);
            }
        }
        ++ch_.stats().directories;
        std::vector<fs::directory_entry> entries;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(local, ec))
            entries.push_back(e);
        if (ec) co_return ch_.local_fail(local, ec);
        // By name: one directory's paths differ in their last component only
        // (path::compare walks every component: 12% of an unchanged --update run).
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            return a.path().native() < b.path().native();
        });
        for (const auto& e : entries) {
            const auto name = e.path().filename().string();
            const auto from = e.path().string();
            const auto to = join_remote(remote, name);
            // Symbolic links are followed to files; a linked directory is not
            // entered (it could loop or leave the tree).
            if (e.is_symlink(ec) && e.is_directory(ec)) {
                ch_.stats().skipped.push_back(from +
                                              ": symbolic link to a directory, not followed");
                continue;
            }
            ssh_failure failed;
            if (e.is_directory(ec))
                failed = co_await put_tree(from, to);
            else if (e.is_regular_file(ec))
                failed = co_await put_file(from, to, &listing);
            else
                ch_.stats().skipped.push_back(from + ": not a regular file or directory");
            if (failed) co_return failed;
        }
        co_return co_await set_remote_times_and_mode(remote, st);
    }

    // `listing`: the target directory's entries, when it was listed.
    asio::awaitable<ssh_failure> put_file(const std::string& local, const std::string& remote,
                                          const std::vector<sftp_channel::dir_entry>* listing) {
        const auto& o = ch_.options();
        // --update in a listed directory: a stat decides, and a file that
        // stays as it is is never opened (an open and a close per file and
        // host were most of an unchanged tree's run).
        if (o.update && !o.checksum && listing) {
            struct stat pre {};
            if (::stat(local.c_str(), &pre) == 0) {
                const file_facts facts{static_cast<std::uint64_t>(pre.st_size),
                                       static_cast<std::int64_t>(pre.st_mtime)};
                const auto there = co_await remote_facts(remote, last_component(remote), listing);
                if (decide_copy(o, facts, there) == copy_action::unchanged &&
                    there->mtime == facts.mtime) {
                    ++ch_.stats().files_unchanged;
                    co_return ssh_failure{};
                }
            }
        }
        const int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) co_return ch_.local_fail(local, errno_code());
        struct closer {
            int fd;
            ~closer() { ::close(fd); }
        } close_fd{fd};
        struct stat st {};
        if (::fstat(fd, &st) != 0) co_return ch_.local_fail(local, errno_code());
        const file_facts source{static_cast<std::uint64_t>(st.st_size),
                                static_cast<std::int64_t>(st.st_mtime)};
        const auto name = last_component(remote);

        // --update / --checksum: is the copy there already?
        std::optional<file_facts> existing;
        if (o.update || o.checksum) existing = co_await remote_facts(remote, name, listing);
        auto action = decide_copy(o, source, existing);
        if (action == copy_action::compare_content) {
            const auto ours = local_sha256(fd, source.size);
            if (!ours) co_return ch_.local_fail(local, errno_code());
            const auto theirs = co_await ch_.remote_sha256(remote, source.size);
            action = theirs == ours ? copy_action::unchanged : copy_action::copy;
        }
        if (action == copy_action::unchanged) {
            ++ch_.stats().files_unchanged;
            // Same content, other time (--checksum): the time too, so that
            // --update agrees next time.
            if (existing->mtime == source.mtime) co_return ssh_failure{};
            co_return co_await set_remote_times_and_mode(remote, st);
        }

        const auto temp = join_remote(
            remote_parent(remote),
            temp_name_for(name, o.resume ? std::string(resume_suffix) : random_suffix()));
        LIBSSH2_SFTP_HANDLE* handle = nullptr;
        std::uint64_t offset = 0;
        if (o.resume) {
            offset = co_await resume_point(fd, source, temp, listing);
            if (offset > 0) {
                co_await ch_.open(temp, LIBSSH2_FXF_WRITE, 0600, LIBSSH2_SFTP_OPENFILE, handle);
                if (handle) {
                    libssh2_sftp_seek64(handle, offset);
                    ++ch_.stats().files_resumed;
                }
            }
            // Not resumable: whatever is at the fixed name goes.
            if (!handle) co_await ch_.unlink(temp);
        }
        if (!handle) {
            offset = 0;
            const long opened =
                co_await ch_.open(temp, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL,
                                  0600, LIBSSH2_SFTP_OPENFILE, handle);
            if (!handle) co_return ch_.fail(opened, "put", "open " + temp);
        }

        ssh_failure failed = co_await write_all(fd, offset, handle, local, remote);
        if (!failed) {
            // Mode and times while the handle is open (no path lookups, no umask).
            auto attrs = mode_and_times(st);
            const long set =
                co_await ch_.retry([&] { return libssh2_sftp_fsetstat(handle, &attrs); });
            if (set != 0) failed = ch_.fail(set, "put", "set mode and times of " + remote);
        }
        // --fsync: on disk before it takes the name, so a crash leaves the old
        // file or the new one (it costs a disk flush per file: not by default).
        if (!failed && o.fsync) {
            const long synced = co_await ch_.fsync(handle);
            if (synced != 0) failed = ch_.fail(synced, "put", "fsync " + temp);
        }
        const long closed = co_await ch_.close(handle);
        if (!failed && closed != 0) failed = ch_.fail(closed, "put", "close " + remote);
        if (!failed) failed = co_await ch_.replace(temp, remote);
        if (failed) {
            // --resume keeps the partial copy for the next run.
            if (!o.resume) co_await ch_.unlink(temp);
            co_return failed;
        }
        ++ch_.stats().files;
        co_return ssh_failure{};
    }

private:
    // What a regular remote file at `path` is, from `listing` when given.
    asio::awaitable<std::optional<file_facts>>
    remote_facts(const std::string& path, const std::string& name,
                 const std::vector<sftp_channel::dir_entry>* listing) {
        if (listing) {
            const auto it = std::lower_bound(
                listing->begin(), listing->end(), name,
                [](const sftp_channel::dir_entry& e, const std::string& n) { return e.name < n; });
            if (it == listing->end() || it->name != name) co_return std::nullopt;
            co_return facts_of(it->attrs);
        }
        LIBSSH2_SFTP_ATTRIBUTES attrs{};
        const long rc = co_await ch_.stat(path, LIBSSH2_SFTP_LSTAT, attrs);
        if (rc != 0) co_return std::nullopt;
        co_return facts_of(attrs);
    }

    // --resume: how much of the partial copy at `temp` to keep (0: none).
    asio::awaitable<std::uint64_t>
    resume_point(int fd, file_facts source, const std::string& temp,
                 const std::vector<sftp_channel::dir_entry>* listing) {
        const auto partial = co_await remote_facts(temp, last_component(temp), listing);
        const auto keep = resumable_length(partial, source.size);
        if (keep == 0 || !ch_.options().checksum) co_return keep;
        // --checksum: the kept prefix must be the source's.
        const auto ours = local_sha256(fd, keep);
        const auto theirs = co_await ch_.remote_sha256(temp, keep);
        if (!ours || theirs != ours) co_return 0;
        co_return keep;
    }

    // The file through one window of buffer_size bytes. libssh2 copies what
    // it is handed into write requests at once, and on the next call skips
    // the bytes it still holds (sent, or acknowledged but not yet returned),
    // so fresh bytes go right after those: the window is topped up whenever
    // half of it came back acknowledged, and requests stay in flight instead
    // of draining to none at the end of each buffer. After EAGAIN the call
    // is repeated with the same count (retry), so `held` is always what
    // libssh2 holds.
    asio::awaitable<ssh_failure> write_all(int fd, std::uint64_t offset,
                                           LIBSSH2_SFTP_HANDLE* handle, const std::string& local,
                                           const std::string& remote) {
        if (::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0)
            co_return ch_.local_fail(local, errno_code());
        auto& buf = buffer();
        std::size_t held = 0; // handed to libssh2, not yet returned as written
        bool end_of_file = false;
        for (;;) {
            if (!end_of_file && held <= buf.size() / 2) {
                const ssize_t got = ::read(fd, buf.data() + held, buf.size() - held);
                if (got < 0) {
                    if (errno == EINTR) continue;
                    co_return ch_.local_fail(local, errno_code());
                }
                end_of_file = got == 0;
                held += static_cast<std::size_t>(got);
            }
            if (held == 0) co_return ssh_failure{};
            const std::size_t count = held;
            const long n = co_await ch_.retry(
                [&] { return static_cast<long>(libssh2_sftp_write(handle, buf.data(), count)); });
            if (n < 0) co_return ch_.fail(n, "put", "write " + remote);
            held -= static_cast<std::size_t>(n);
            ch_.stats().bytes += static_cast<std::uint64_t>(n);
        }
    }

    asio::awaitable<ssh_failure> set_remote_times_and_mode(const std::string& remote,
                                                           const struct stat& st) {
        auto attrs = mode_and_times(st);
        const long rc = co_await ch_.retry([&] {
            return libssh2_sftp_stat_ex(ch_.sftp(), remote.data(), path_len(remote),
                                        LIBSSH2_SFTP_SETSTAT, &attrs);
        });
        if (rc != 0) co_return ch_.fail(rc, "put", "set mode and times of " + remote);
        co_return ssh_failure{};
    }

    // One buffer for every file of the host (zeroing megabytes per small file
    // cost more CPU than sending it).
    std::vector<char>& buffer() {
        if (buf_.empty()) buf_.resize(ch_.options().buffer_size);
        return buf_;
    }

    sftp_channel& ch_;
    std::vector<char> buf_;
};

} // namespace

asio::awaitable<ssh_failure> put(session& s, const std::string& local, const std::string& remote,
                                 const transfer_options& options, transfer_stats& stats) {
    sftp_channel channel(s, options, stats);
    if (auto failed = co_await channel.start()) co_return failed;
    uploader copy(channel);
    auto failed = co_await copy.put(local, remote);
    co_await channel.finish();
    co_return failed;
}

} // namespace asyncfetch::ssh
