#include "asyncfetch/launcher/frame.hpp"

#include <cstdint>

namespace asyncfetch::launcher {

std::string encode_frame(std::string_view payload, std::size_t max_frame) {
    if (payload.size() > max_frame)
        throw frame_error("frame of " + std::to_string(payload.size()) +
                          " bytes exceeds the limit of " + std::to_string(max_frame));
    const auto n = static_cast<std::uint32_t>(payload.size());
    std::string out;
    out.reserve(4 + payload.size());
    out += static_cast<char>(n >> 24);
    out += static_cast<char>(n >> 16);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n);
    out.append(payload);
    return out;
}

std::optional<std::string> frame_decoder::next() {
    if (buffered() < 4) return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + start_);
    const std::size_t n =
        (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
    if (n > max_)
        throw frame_error("frame of " + std::to_string(n) + " bytes exceeds the limit of " +
                          std::to_string(max_));
    if (buffered() < 4 + n) return std::nullopt;
    std::string payload = buffer_.substr(start_ + 4, n);
    start_ += 4 + n;
    // Drop consumed bytes now and then, not on every frame.
    if (start_ > 65536 && start_ * 2 > buffer_.size()) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    return payload;
}

} // namespace asyncfetch::launcher
