#include "download.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>

namespace asyncfetch::http::detail {

struct download::hash {
    hash() : ctx(EVP_MD_CTX_new()) { reset(); }
    ~hash() { EVP_MD_CTX_free(ctx); }
    void reset() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
    void update(std::string_view b) { EVP_DigestUpdate(ctx, b.data(), b.size()); }
    EVP_MD_CTX* ctx;
};

download::download(std::string path, bool resume, std::uint64_t max_bytes)
    : path_(std::move(path)), resume_(resume), max_bytes_(max_bytes),
      sha_(std::make_unique<hash>()) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    if (ec) {
        fail(file_error_message(std::filesystem::path(path_).parent_path().string(),
                                "create the directory", ec.value()));
        return;
    }
    if (!resume_) return; // the temp file is made when a body begins
    const std::string part = path_ + ".part";
    part_fd_ = ::open(part.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (part_fd_ < 0) {
        fail(file_error_message(part, "open", errno));
        return;
    }
    struct stat st {};
    if (::fstat(part_fd_, &st) == 0 && S_ISREG(st.st_mode))
        kept_ = static_cast<std::uint64_t>(st.st_size);
}

download::~download() {
    if (part_fd_ >= 0) ::close(part_fd_);
}

bool download::fail(const std::string& what) {
    if (error_.empty()) error_ = what;
    return false;
}

bool download::start_over() {
    if (!error_.empty()) return false;
    sha_->reset();
    written_ = 0;
    too_large_ = resumed_ = false;
    if (!resume_) {
        temp_.discard();
        if (auto ec = temp_.open(path_)) return fail(temp_.error_message());
        return true;
    }
    kept_ = 0;
    if (::ftruncate(part_fd_, 0) != 0 || ::lseek(part_fd_, 0, SEEK_SET) != 0)
        return fail(file_error_message(path_ + ".part", "truncate", errno));
    return true;
}

bool download::go_on() {
    if (!error_.empty()) return false;
    // The kept bytes count in the file's hash: read them back once.
    sha_->reset();
    written_ = 0;
    resumed_ = true;
    char chunk[65536];
    if (::lseek(part_fd_, 0, SEEK_SET) != 0)
        return fail(file_error_message(path_ + ".part", "read", errno));
    while (written_ < kept_) {
        const auto n = ::read(part_fd_, chunk, sizeof chunk);
        if (n <= 0) return fail(file_error_message(path_ + ".part", "read", n < 0 ? errno : EIO));
        sha_->update({chunk, static_cast<std::size_t>(n)});
        written_ += static_cast<std::uint64_t>(n);
    }
    if (::lseek(part_fd_, static_cast<off_t>(kept_), SEEK_SET) < 0)
        return fail(file_error_message(path_ + ".part", "seek", errno));
    return true;
}

bool download::write(std::string_view bytes) {
    if (!error_.empty()) return false;
    if (max_bytes_ && written_ + bytes.size() > max_bytes_) {
        too_large_ = true;
        return false;
    }
    sha_->update(bytes);
    written_ += bytes.size();
    if (!resume_) {
        if (temp_.write(bytes)) return fail(temp_.error_message());
        return true;
    }
    while (!bytes.empty()) {
        const auto n = ::write(part_fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(file_error_message(path_ + ".part", "write", errno));
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    kept_ = written_;
    return true;
}

bool download::commit() {
    if (!error_.empty()) return false;
    // A bulk download, as sftp writes files: no fsync per file.
    if (!resume_) {
        if (temp_.commit({}, false)) return fail(temp_.error_message());
        return true;
    }
    const std::string part = path_ + ".part";
    if (::rename(part.c_str(), path_.c_str()) != 0)
        return fail(file_error_message(part, "rename", errno));
    return true;
}

std::string download::sha256_hex() const {
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    EVP_MD_CTX_copy_ex(copy, sha_->ctx);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(copy, digest, &len);
    EVP_MD_CTX_free(copy);
    std::string hex;
    char two[3];
    for (unsigned i = 0; i < len; ++i) {
        std::snprintf(two, sizeof two, "%02x", digest[i]);
        hex += two;
    }
    return hex;
}

std::optional<std::uint64_t> range_start(std::string_view content_range) {
    if (!content_range.starts_with("bytes ")) return std::nullopt;
    content_range.remove_prefix(6);
    std::uint64_t first = 0;
    const auto [end, ec] =
        std::from_chars(content_range.data(), content_range.data() + content_range.size(), first);
    if (ec != std::errc() || end == content_range.data() + content_range.size() || *end != '-')
        return std::nullopt;
    return first;
}

std::optional<std::uint64_t> unsatisfied_total(std::string_view content_range) {
    if (!content_range.starts_with("bytes */")) return std::nullopt;
    content_range.remove_prefix(8);
    std::uint64_t total = 0;
    const auto [end, ec] =
        std::from_chars(content_range.data(), content_range.data() + content_range.size(), total);
    if (ec != std::errc() || end != content_range.data() + content_range.size())
        return std::nullopt;
    return total;
}

} // namespace asyncfetch::http::detail
