// One SFTP channel over a session: the primitives put and get are written in
// (start, stat, open, close, every libssh2 call retried on EAGAIN) and the
// one wording of each kind of failure. Private to src/ssh: it speaks libssh2.
#pragma once

#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/session.hpp"
#include "asyncfetch/ssh/sftp.hpp"

#include <libssh2.h>
#include <libssh2_sftp.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace asyncfetch::ssh::detail {

inline unsigned int path_len(const std::string& p) {
    return static_cast<unsigned int>(p.size());
}
inline std::error_code errno_code() {
    return {errno, std::generic_category()};
}

// Every step returns a failure (empty on success); the first one ends the copy.
class sftp_channel {
public:
    sftp_channel(session& s, const transfer_options& options, transfer_stats& stats)
        : s_(s), raw_(s.raw()), options_(options), stats_(stats) {}

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

    // "put: open /x/.y.af-part-...: permission denied"
    ssh_failure fail(long rc, const std::string& op, const std::string& what) const;
    ssh_failure local_fail(const std::string& path, std::error_code ec) const;
    ssh_failure transfer_fail(std::string message) const;
    // Records the refused name in the skipped list too.
    ssh_failure refuse_name(const std::string& remote, const std::string& why);

private:
    session& s_;
    LIBSSH2_SESSION* raw_;
    LIBSSH2_SFTP* sftp_ = nullptr;
    const transfer_options& options_;
    transfer_stats& stats_;
};

} // namespace asyncfetch::ssh::detail
