// A second "sftp" subsystem channel beside libssh2's, speaking the SFTP v3
// messages libssh2 1.10 cannot (sftp_v3.hpp): the server's extension list
// and posix-rename@openssh.com, which replaces the target in one rename(2)
// so its name never goes missing. Opened on the first replace that needs it.
// Private to src/ssh. Used only while the libssh2 SFTP channel has no
// request outstanding, so neither channel's reads wait for the other's data.
#pragma once

#include "asyncfetch/ssh/session.hpp"
#include "asyncfetch/ssh/sftp_v3.hpp"

#include <libssh2.h>

#include <set>
#include <string>

namespace asyncfetch::ssh::detail {

class sftp_side_channel {
public:
    explicit sftp_side_channel(session& s) : s_(s) {}
    ~sftp_side_channel();
    sftp_side_channel(const sftp_side_channel&) = delete;
    sftp_side_channel& operator=(const sftp_side_channel&) = delete;

    // Opens the channel and reads the extension list; false if any step fails
    // (the caller then does without the extensions).
    boost::asio::awaitable<bool> start();
    bool offers(const std::string& extension) const { return extensions_.count(extension) > 0; }
    // The SFTP status code of the rename (0: done), or -1 if the channel failed.
    boost::asio::awaitable<long> posix_rename(const std::string& from, const std::string& to);
    boost::asio::awaitable<void> finish();

private:
    boost::asio::awaitable<bool> send(const std::string& bytes);
    // The next whole packet, or nullopt on EOF, error or an oversized packet.
    boost::asio::awaitable<std::optional<std::string>> receive();

    session& s_;
    LIBSSH2_CHANNEL* channel_ = nullptr;
    sftp_v3::packet_reader reader_;
    std::set<std::string> extensions_;
    std::uint32_t next_id_ = 1;
};

} // namespace asyncfetch::ssh::detail
