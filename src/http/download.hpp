// A body saved as it arrives (--save): bytes go to a temp file and into a
// SHA-256 as they come, so a download holds no more than the read buffer in
// memory whatever its size; the file appears under its name complete or not
// at all (temp + rename). With --continue the temp file is PATH.part, kept
// after a failure, and the next run asks for the rest with a Range.
// Private to src/http.
#pragma once

#include "asyncfetch/core/atomic_file.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::http::detail {

class download {
public:
    download(std::string path, bool resume, std::uint64_t max_bytes);
    ~download();
    download(const download&) = delete;
    download& operator=(const download&) = delete;

    // The bytes already saved that a Range may ask the rest of (0: none).
    std::uint64_t offset() const noexcept { return kept_; }

    // Before a response's body: from the start (a 200, or a 206 that did not
    // answer our Range), or after the bytes kept (a 206 that did).
    bool start_over();
    bool go_on();
    // A body's bytes; false on a write error or past max_bytes.
    bool write(std::string_view bytes);
    bool too_large() const noexcept { return too_large_; }

    // The whole body is in: the file is renamed to its name.
    bool commit();

    std::uint64_t bytes() const noexcept { return written_; }
    bool resumed() const noexcept { return resumed_; } // go_on: after a kept part
    std::string sha256_hex() const;
    const std::string& path() const noexcept { return path_; }
    const std::string& error() const noexcept { return error_; }

private:
    bool fail(const std::string& what);

    std::string path_;
    bool resume_;
    std::uint64_t max_bytes_; // 0: no limit
    std::uint64_t kept_ = 0, written_ = 0;
    atomic_file temp_; // without resume
    int part_fd_ = -1; // with resume: PATH.part
    struct hash;
    std::unique_ptr<hash> sha_;
    bool too_large_ = false, resumed_ = false;
    std::string error_;
};

// Content-Range "bytes FIRST-LAST/TOTAL": FIRST, which a 206 must make
// the offset we asked for; nullopt for anything else.
std::optional<std::uint64_t> range_start(std::string_view content_range);
// Content-Range "bytes */TOTAL" of a 416: TOTAL (a kept part of exactly
// that size is the whole file).
std::optional<std::uint64_t> unsatisfied_total(std::string_view content_range);

} // namespace asyncfetch::http::detail
