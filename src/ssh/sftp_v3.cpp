#include "asyncfetch/ssh/sftp_v3.hpp"

#include "wire_reader.hpp"

namespace asyncfetch::ssh::sftp_v3 {
namespace {

constexpr unsigned char fxp_init = 1, fxp_version = 2, fxp_status = 101, fxp_extended = 200;

void put_u32(std::string& out, std::uint32_t v) {
    out += static_cast<char>((v >> 24) & 0xff);
    out += static_cast<char>((v >> 16) & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>(v & 0xff);
}

void put_string(std::string& out, std::string_view s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
}

// The length field, then the body.
std::string framed(const std::string& body) {
    std::string out;
    put_u32(out, static_cast<std::uint32_t>(body.size()));
    return out + body;
}

} // namespace

std::string init_packet() {
    std::string body(1, static_cast<char>(fxp_init));
    put_u32(body, 3);
    return framed(body);
}

std::string extended_packet(std::uint32_t id, std::string_view name,
                            const std::vector<std::string_view>& args) {
    std::string body(1, static_cast<char>(fxp_extended));
    put_u32(body, id);
    put_string(body, name);
    for (auto a : args)
        put_string(body, a);
    return framed(body);
}

void packet_reader::feed(std::string_view bytes) {
    if (!failed_) buffer_ += bytes;
}

std::optional<std::string> packet_reader::next() {
    if (failed_) return std::nullopt;
    wire_reader r(buffer_);
    const auto len = r.u32();
    if (!len) return std::nullopt;
    if (*len == 0 || *len > max_packet) {
        failed_ = true;
        return std::nullopt;
    }
    if (r.rest().size() < *len) return std::nullopt;
    std::string packet(r.rest().substr(0, *len));
    buffer_.erase(0, 4 + std::size_t{*len});
    return packet;
}

std::optional<std::set<std::string>> parse_version(std::string_view packet) {
    if (packet.empty() || static_cast<unsigned char>(packet[0]) != fxp_version) return std::nullopt;
    wire_reader r(packet.substr(1));
    if (!r.u32()) return std::nullopt;
    std::set<std::string> names;
    // Name and data pairs up to the end; a truncated pair ends the list.
    while (!r.rest().empty()) {
        const auto name = r.string();
        const auto data = r.string();
        if (!name || !data) break;
        names.emplace(*name);
    }
    return names;
}

std::optional<std::uint32_t> parse_status(std::string_view packet, std::uint32_t id) {
    if (packet.empty() || static_cast<unsigned char>(packet[0]) != fxp_status) return std::nullopt;
    wire_reader r(packet.substr(1));
    const auto got_id = r.u32();
    const auto code = r.u32();
    if (!got_id || *got_id != id || !code) return std::nullopt;
    return *code;
}

} // namespace asyncfetch::ssh::sftp_v3
