#include "asyncfetch/crawl/entry_queue.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace asyncfetch::crawl {
namespace {

void put_varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}

// A parent written as 0 is the one of the entry before; others as size + 1.
constexpr std::uint64_t same_parent = 0;
constexpr std::size_t max_chunk = 1 << 20, min_chunk = 4096;

} // namespace

entry_queue::entry_queue(std::size_t memory_budget, std::string spill_path)
    : budget_(memory_budget), spill_path_(std::move(spill_path)) {}

entry_queue::~entry_queue() {
    if (fd_ < 0) return;
    ::close(fd_);
    if (!spill_path_.empty()) ::unlink(spill_path_.c_str());
}

void entry_queue::fail(const std::string& what) {
    if (problem_.empty())
        problem_ = "frontier spill file " + (spill_path_.empty() ? "(temporary)" : spill_path_) +
                   ": " + what;
}

void entry_queue::encode(const crawl_entry& e) {
    scratch_.clear();
    put_varint(scratch_, e.index);
    put_varint(scratch_, static_cast<std::uint32_t>(e.depth));
    put_varint(scratch_, e.url.size());
    scratch_ += e.url;
    if (parent_written_ && e.parent == written_parent_) {
        put_varint(scratch_, same_parent);
    } else {
        put_varint(scratch_, e.parent.size() + 1);
        scratch_ += e.parent;
        written_parent_ = e.parent, parent_written_ = true;
    }
    put_varint(scratch_, e.lastmod.size());
    scratch_ += e.lastmod;
}

void entry_queue::push(const crawl_entry& e) {
    last_ = e;
    ++size_;
    if (!overflow_.empty()) { // after a failed write, in order behind the stream
        overflow_.push_back(e);
        return;
    }
    // The reader has taken every entry: the next names its parent in full.
    if (in_stream_ == 0) parent_written_ = false, read_parent_.clear();
    encode(e);
    const bool file_empty = read_at_ == write_at_;
    if (file_empty && (budget_ == 0 || bytes_.size() + scratch_.size() <= budget_)) {
        bytes_.insert(bytes_.end(), scratch_.begin(), scratch_.end());
        peak_memory_ = std::max(peak_memory_, bytes_.size());
    } else if (!spill()) {
        overflow_.push_back(e);
        return;
    }
    ++in_stream_;
}

bool entry_queue::spill() {
    if (fd_ < 0) {
        if (spill_path_.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            std::string name =
                std::string(tmp && *tmp ? tmp : "/tmp") + "/asyncfetch-frontier-XXXXXX";
            fd_ = ::mkostemp(name.data(), O_CLOEXEC);
            if (fd_ >= 0) ::unlink(name.c_str()); // gone with the process
        } else {
            fd_ = ::open(spill_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        }
        if (fd_ < 0) {
            fail(std::string("cannot create: ") + std::strerror(errno));
            return false;
        }
    }
    std::size_t done = 0;
    while (done < scratch_.size()) {
        const auto n = ::pwrite(fd_, scratch_.data() + done, scratch_.size() - done,
                                static_cast<off_t>(write_at_ + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fail(std::string("cannot write: ") + (n < 0 ? std::strerror(errno) : "no space"));
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    write_at_ += done;
    peak_spilled_ = std::max(peak_spilled_, write_at_ - read_at_);
    return true;
}

bool entry_queue::fill(std::size_t n) {
    std::vector<char> chunk;
    while (bytes_.size() < n) {
        if (read_at_ == write_at_) return false;
        const auto want = std::min<std::uint64_t>(write_at_ - read_at_,
                                                  std::clamp(budget_ / 4, min_chunk, max_chunk));
        chunk.resize(want);
        const auto got = ::pread(fd_, chunk.data(), want, static_cast<off_t>(read_at_));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            fail(std::string("cannot read: ") + (got < 0 ? std::strerror(errno) : "cut short"));
            return false;
        }
        bytes_.insert(bytes_.end(), chunk.begin(), chunk.begin() + got);
        read_at_ += static_cast<std::uint64_t>(got);
        peak_memory_ = std::max(peak_memory_, bytes_.size());
        if (read_at_ == write_at_) { // read through: start the file afresh
            read_at_ = write_at_ = 0;
            if (::ftruncate(fd_, 0) != 0)
                fail(std::string("cannot empty: ") + std::strerror(errno));
        }
    }
    return true;
}

bool entry_queue::decode(crawl_entry& e) {
    auto varint = [this](std::uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!fill(1)) return false;
            const auto byte = static_cast<unsigned char>(bytes_.front());
            bytes_.pop_front();
            v |= std::uint64_t(byte & 0x7f) << shift;
            if (!(byte & 0x80)) return true;
        }
        return false;
    };
    auto text = [this](std::uint64_t size, std::string& out) {
        if (!fill(size)) return false;
        out.assign(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(size));
        bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(size));
        return true;
    };
    std::uint64_t index = 0, depth = 0, size = 0, parent = 0;
    if (!varint(index) || !varint(depth) || !varint(size) || !text(size, e.url) || !varint(parent))
        return false;
    if (parent == same_parent) {
        e.parent = read_parent_;
    } else {
        if (!text(parent - 1, e.parent)) return false;
        read_parent_ = e.parent;
    }
    if (!varint(size) || !text(size, e.lastmod)) return false;
    e.index = static_cast<std::size_t>(index);
    e.depth = static_cast<int>(depth);
    return true;
}

std::optional<crawl_entry> entry_queue::pop() {
    if (size_ == 0) return std::nullopt;
    crawl_entry e;
    if (in_stream_ > 0) {
        if (decode(e)) {
            --in_stream_, --size_;
            return e;
        }
        // The file could not be read back: what it held is lost, said once.
        fail(std::to_string(in_stream_) + " queued URLs lost");
        size_ -= in_stream_, in_stream_ = 0;
        bytes_.clear();
        read_at_ = write_at_ = 0;
        if (size_ == 0) return std::nullopt;
    }
    e = std::move(overflow_.front());
    overflow_.pop_front();
    --size_;
    return e;
}

} // namespace asyncfetch::crawl
