// The steps of incremental copies that go beyond libssh2's SFTP calls: an
// overwriting rename, fsync, and a remote file's SHA-256.
#include "sftp_channel.hpp"
#include "sftp_side_channel.hpp"

#include "asyncfetch/ssh/exec.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <vector>

namespace asio = boost::asio;

namespace asyncfetch::ssh::detail {
namespace {

// 'it'\''s': one word for /bin/sh whatever the name holds.
std::string shell_quote(const std::string& word) {
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

class sha256 {
public:
    sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
    ~sha256() { EVP_MD_CTX_free(ctx_); }
    sha256(const sha256&) = delete;
    sha256& operator=(const sha256&) = delete;
    void update(const char* p, std::size_t n) { EVP_DigestUpdate(ctx_, p, n); }
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> md;
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_, md.data(), &len);
        static constexpr char digits[] = "0123456789abcdef";
        std::string out;
        for (unsigned i = 0; i < len; ++i) {
            out += digits[md[i] >> 4];
            out += digits[md[i] & 15];
        }
        return out;
    }

private:
    EVP_MD_CTX* ctx_;
};

// The digest at the start of sha256sum's output line, or nullopt.
std::optional<std::string> digest_of_line(const std::string& out) {
    if (out.size() < 64) return std::nullopt;
    for (std::size_t i = 0; i < 64; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(out[i]))) return std::nullopt;
    if (out.size() > 64 && out[64] != ' ') return std::nullopt;
    return out.substr(0, 64);
}

} // namespace

std::optional<std::string> local_sha256(int fd, std::uint64_t length) {
    sha256 hash;
    std::vector<char> buf(1 << 20);
    std::uint64_t done = 0;
    while (done < length) {
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), length - done));
        const ssize_t got = ::pread(fd, buf.data(), want, static_cast<off_t>(done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return std::nullopt;
        hash.update(buf.data(), static_cast<std::size_t>(got));
        done += static_cast<std::uint64_t>(got);
    }
    return hash.hex();
}

asio::awaitable<ssh_failure> sftp_channel::replace(const std::string& temp,
                                                   const std::string& target) {
    // Once a replace opened the side channel, posix-rename serves every file
    // in one round trip.
    if (side_ && side_->offers("posix-rename@openssh.com"))
        co_return co_await posix_rename(temp, target);
    // SFTP v3 rename: done when nothing is at the target (OpenSSH refuses to
    // replace; libssh2 sends the flags only to v5+ servers, which honour them).
    long rc = co_await retry([&] {
        return libssh2_sftp_rename_ex(sftp_, temp.data(), path_len(temp), target.data(),
                                      path_len(target),
                                      LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
                                          LIBSSH2_SFTP_RENAME_NATIVE);
    });
    if (rc == 0) co_return ssh_failure{};
    if (!side_tried_) {
        side_tried_ = true;
        side_ = std::make_unique<sftp_side_channel>(s_);
        const bool started = co_await side_->start();
        if (!started) side_.reset();
    }
    if (side_ && side_->offers("posix-rename@openssh.com"))
        co_return co_await posix_rename(temp, target);
    const bool moved = co_await exec_move(temp, target);
    if (moved) co_return ssh_failure{};
    // Neither offered: the target is missing between these two steps.
    co_await unlink(target);
    rc = co_await retry([&] {
        return libssh2_sftp_rename_ex(sftp_, temp.data(), path_len(temp), target.data(),
                                      path_len(target), 0);
    });
    if (rc != 0) co_return fail(rc, "put", "rename into " + target);
    co_return ssh_failure{};
}

asio::awaitable<ssh_failure> sftp_channel::posix_rename(const std::string& temp,
                                                        const std::string& target) {
    const long status = co_await side_->posix_rename(temp, target);
    if (status == 0) co_return ssh_failure{};
    co_return transfer_fail("put rename into " + target + ": " +
                            (status < 0 ? std::string("the second SFTP channel failed")
                                        : fx_text(static_cast<unsigned long>(status))));
}

asio::awaitable<long> sftp_channel::fsync(LIBSSH2_SFTP_HANDLE* handle) {
    if (fsync_unsupported_) co_return 0;
    const long rc = co_await retry([&] { return libssh2_sftp_fsync(handle); });
    if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL &&
        libssh2_sftp_last_error(sftp_) == LIBSSH2_FX_OP_UNSUPPORTED) {
        fsync_unsupported_ = true; // the server does not offer fsync@openssh.com
        co_return 0;
    }
    co_return rc;
}

asio::awaitable<std::optional<std::string>> sftp_channel::real_path(const std::string& path) {
    if (!path.empty() && path.front() == '/') co_return path;
    if (!start_dir_) {
        std::string real(4096, '\0');
        const long len = co_await retry([&] {
            return libssh2_sftp_symlink_ex(sftp_, ".", 1, real.data(),
                                           static_cast<unsigned int>(real.size()),
                                           LIBSSH2_SFTP_REALPATH);
        });
        if (len <= 0) co_return std::nullopt;
        real.resize(static_cast<std::size_t>(len));
        start_dir_ = real;
    }
    co_return *start_dir_ + (start_dir_->back() == '/' ? "" : "/") + path;
}

asio::awaitable<bool> sftp_channel::exec_move(const std::string& from, const std::string& to) {
    if (exec_refused_) co_return false;
    const auto real_from = co_await real_path(from);
    const auto real_to = co_await real_path(to);
    if (!real_from || !real_to) co_return false;
    exec_options options;
    options.max_output = 4096;
    exec_result result;
    const auto failed = co_await exec(
        s_, "mv -f -- " + shell_quote(*real_from) + " " + shell_quote(*real_to), options, result);
    // An SFTP-only account runs its SFTP server for any command: believe the
    // move only when the temporary name is gone.
    LIBSSH2_SFTP_ATTRIBUTES attrs{};
    const long still_there = co_await stat(from, LIBSSH2_SFTP_LSTAT, attrs);
    const bool gone = !failed && result.exit_status == 0 && still_there != 0;
    if (!gone) exec_refused_ = true;
    co_return gone;
}

asio::awaitable<std::optional<std::string>> sftp_channel::remote_sha256(const std::string& path,
                                                                        std::uint64_t length) {
    auto digest = co_await exec_sha256(path, length);
    if (digest) {
        stats_.checksum_via = "sha256sum";
        co_return digest;
    }
    digest = co_await read_sha256(path, length);
    if (digest) stats_.checksum_via = "sftp";
    co_return digest;
}

asio::awaitable<std::optional<std::string>> sftp_channel::exec_sha256(const std::string& path,
                                                                      std::uint64_t length) {
    if (exec_refused_) co_return std::nullopt;
    const auto real = co_await real_path(path);
    if (!real) co_return std::nullopt;
    // The first `length` bytes: a longer file then differs from a shorter one
    // by its size, which the caller compared first.
    const auto command =
        "head -c " + std::to_string(length) + " -- " + shell_quote(*real) + " | sha256sum";
    exec_options options;
    options.max_output = 4096;
    exec_result result;
    const auto failed = co_await exec(s_, command, options, result);
    auto digest = digest_of_line(result.out);
    if (failed || result.exit_status != 0 || !digest) {
        exec_refused_ = true; // no shell here (an SFTP-only account, or no exec channel)
        co_return std::nullopt;
    }
    co_return digest;
}

asio::awaitable<std::optional<std::string>> sftp_channel::read_sha256(const std::string& path,
                                                                      std::uint64_t length) {
    LIBSSH2_SFTP_HANDLE* handle = nullptr;
    co_await open(path, LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE, handle);
    if (!handle) co_return std::nullopt;
    sha256 hash;
    std::vector<char> buf(std::min<std::size_t>(options_.buffer_size, 1u << 20));
    std::uint64_t done = 0;
    while (done < length) {
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), length - done));
        const long n = co_await retry(
            [&] { return static_cast<long>(libssh2_sftp_read(handle, buf.data(), want)); });
        if (n <= 0) break;
        hash.update(buf.data(), static_cast<std::size_t>(n));
        done += static_cast<std::uint64_t>(n);
    }
    co_await close(handle);
    if (done != length) co_return std::nullopt;
    co_return hash.hex();
}

} // namespace asyncfetch::ssh::detail
