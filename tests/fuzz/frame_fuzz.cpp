// Launcher frames: a worker's bytes fed to the parent's decoder in pieces of
// any size, and a payload's frame decoded back to the payload.
#include "asyncfetch/launcher/frame.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace asyncfetch::launcher;

namespace {

// Feeds `bytes` in pieces whose sizes come from `sizes`, collecting frames.
std::size_t decode_all(frame_decoder& d, std::string_view bytes, std::string_view sizes,
                       std::string* last) {
    std::size_t frames = 0, i = 0;
    while (!bytes.empty()) {
        const std::size_t n =
            sizes.empty() ? bytes.size() : 1 + std::uint8_t(sizes[i++ % sizes.size()]);
        d.feed(bytes.substr(0, n));
        bytes.remove_prefix(std::min(n, bytes.size()));
        while (auto f = d.next()) {
            ++frames;
            if (last) *last = std::move(*f);
        }
    }
    return frames;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto sizes = input.substr(0, 8);
    try {
        frame_decoder d(4096);
        const auto frames = decode_all(d, input, sizes, nullptr);
        if (frames * 4 + d.buffered() > input.size()) std::abort();
    } catch (const frame_error&) {
        // a frame announcing more than the maximum: the worker is dropped
    }
    frame_decoder d;
    std::string payload;
    if (decode_all(d, encode_frame(input), sizes, &payload) != 1 || payload != input ||
        d.buffered() != 0)
        std::abort();
    return 0;
}
