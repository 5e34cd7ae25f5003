// Sans I/O: the few SFTP v3 messages libssh2 1.10 cannot send. It reads the
// server's extension list and drops it, and its rename flags only reach SFTP
// v5+ servers (OpenSSH speaks v3 and refuses to rename over an existing
// file). A second "sftp" subsystem channel speaking these messages learns
// which extensions the server offers and sends posix-rename@openssh.com.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::ssh::sftp_v3 {

// Replies larger than this are refused (a VERSION with its extension list,
// a STATUS with its message are far smaller).
inline constexpr std::uint32_t max_packet = 64 * 1024;

// SSH_FXP_INIT asking for version 3.
std::string init_packet();
// SSH_FXP_EXTENDED `id` `name` followed by each argument as an SSH string.
std::string extended_packet(std::uint32_t id, std::string_view name,
                            const std::vector<std::string_view>& args);

// Cuts a byte stream into packets (without their length field), whatever
// the read sizes. A length over max_packet makes it fail for good.
class packet_reader {
public:
    void feed(std::string_view bytes);
    // The next whole packet (type byte first), or nullopt until one is there.
    std::optional<std::string> next();
    bool failed() const noexcept { return failed_; }

private:
    std::string buffer_;
    bool failed_ = false;
};

// SSH_FXP_VERSION: the extension names it lists; nullopt if it is not one.
std::optional<std::set<std::string>> parse_version(std::string_view packet);

// SSH_FXP_STATUS for request `id`: its status code (0: OK); nullopt if the
// packet is something else.
std::optional<std::uint32_t> parse_status(std::string_view packet, std::uint32_t id);

} // namespace asyncfetch::ssh::sftp_v3
