#include "sftp_side_channel.hpp"

#include <array>

namespace asio = boost::asio;

namespace asyncfetch::ssh::detail {

sftp_side_channel::~sftp_side_channel() {
    // May say EAGAIN: libssh2_session_free finishes it.
    if (channel_) libssh2_channel_free(channel_);
}

asio::awaitable<bool> sftp_side_channel::start() {
    LIBSSH2_SESSION* raw = s_.raw();
    co_await s_.retry([&] {
        channel_ = libssh2_channel_open_session(raw);
        return channel_ ? 0L : static_cast<long>(libssh2_session_last_errno(raw));
    });
    if (!channel_) co_return false;
    static constexpr std::string_view subsystem = "subsystem", sftp = "sftp";
    const long started = co_await s_.retry([&] {
        return static_cast<long>(libssh2_channel_process_startup(
            channel_, subsystem.data(), static_cast<unsigned>(subsystem.size()), sftp.data(),
            static_cast<unsigned>(sftp.size())));
    });
    if (started != 0) co_return false;
    const bool sent = co_await send(sftp_v3::init_packet());
    if (!sent) co_return false;
    const auto reply = co_await receive();
    if (!reply) co_return false;
    auto names = sftp_v3::parse_version(*reply);
    if (!names) co_return false;
    extensions_ = std::move(*names);
    co_return true;
}

asio::awaitable<long> sftp_side_channel::posix_rename(const std::string& from,
                                                      const std::string& to) {
    const auto id = next_id_++;
    // (A named packet: no braced temporary inside a co_await expression, GCC 12.)
    const auto packet = sftp_v3::extended_packet(id, "posix-rename@openssh.com", {from, to});
    const bool sent = co_await send(packet);
    if (!sent) co_return -1;
    const auto reply = co_await receive();
    if (!reply) co_return -1;
    const auto status = sftp_v3::parse_status(*reply, id);
    if (!status) co_return -1;
    co_return static_cast<long>(*status);
}

asio::awaitable<void> sftp_side_channel::finish() {
    if (!channel_) co_return;
    co_await s_.retry([&] { return static_cast<long>(libssh2_channel_close(channel_)); });
    const long freed =
        co_await s_.retry([&] { return static_cast<long>(libssh2_channel_free(channel_)); });
    if (freed == 0) channel_ = nullptr;
}

asio::awaitable<bool> sftp_side_channel::send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        // After EAGAIN libssh2 wants the same buffer again: `done` moves only on progress.
        const long n = co_await s_.retry([&] {
            return static_cast<long>(
                libssh2_channel_write(channel_, bytes.data() + done, bytes.size() - done));
        });
        if (n < 0) co_return false;
        done += static_cast<std::size_t>(n);
    }
    co_return true;
}

asio::awaitable<std::optional<std::string>> sftp_side_channel::receive() {
    std::array<char, 4096> buf;
    for (;;) {
        if (auto packet = reader_.next()) co_return packet;
        if (reader_.failed()) co_return std::nullopt;
        const long n = co_await s_.retry([&] {
            return static_cast<long>(libssh2_channel_read(channel_, buf.data(), buf.size()));
        });
        if (n <= 0) co_return std::nullopt; // an error, or the server closed the channel
        reader_.feed({buf.data(), static_cast<std::size_t>(n)});
    }
}

} // namespace asyncfetch::ssh::detail
