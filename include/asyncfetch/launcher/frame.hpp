// Length-prefixed frames between the parent and its worker processes: a
// 4-byte big-endian length, then that many bytes of JSON. Sans I/O: bytes in,
// whole frames out, whatever the reads' sizes.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace asyncfetch::launcher {

constexpr std::size_t default_max_frame = 64u << 20;

struct frame_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The frame carrying `payload` (frame_error when it exceeds max_frame).
std::string encode_frame(std::string_view payload, std::size_t max_frame = default_max_frame);

class frame_decoder {
public:
    explicit frame_decoder(std::size_t max_frame = default_max_frame) : max_(max_frame) {}
    // Appends bytes as they were read.
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    // The next whole frame's payload, or nullopt until more bytes arrive.
    // Throws frame_error when a frame announces more than max_frame bytes.
    std::optional<std::string> next();
    std::size_t buffered() const noexcept { return buffer_.size() - start_; }

private:
    std::size_t max_;
    std::string buffer_;
    std::size_t start_ = 0; // consumed bytes at the front of buffer_
};

} // namespace asyncfetch::launcher
