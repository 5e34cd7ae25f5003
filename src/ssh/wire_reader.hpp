// Reads the SSH wire types (uint32, string) from a buffer, each length
// checked against what remains. Private to keys.cpp and openssh_key.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace asyncfetch::ssh {

class wire_reader {
public:
    explicit wire_reader(std::string_view data) : data_(data) {}
    std::optional<std::uint32_t> u32() {
        if (data_.size() < 4) return std::nullopt;
        const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
        const std::uint32_t v = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
        data_.remove_prefix(4);
        return v;
    }
    std::optional<std::string_view> string() {
        const auto len = u32();
        if (!len || *len > data_.size()) return std::nullopt;
        auto s = data_.substr(0, *len);
        data_.remove_prefix(*len);
        return s;
    }
    bool take_prefix(std::string_view prefix) {
        if (data_.substr(0, prefix.size()) != prefix) return false;
        data_.remove_prefix(prefix.size());
        return true;
    }
    std::string_view rest() const noexcept { return data_; }

private:
    std::string_view data_;
};

} // namespace asyncfetch::ssh
