// The frontier's queue: crawl entries first in, first out, packed as bytes
// (varint index, depth and lengths, then the URL, parent and lastmod; a
// parent equal to the entry before's, as a page's links all have, is not
// stored again): about 10 bytes an entry above its URL.
//
// Beyond `memory_budget` bytes in memory, new entries are appended to a
// spill file and read back in order, a chunk at a time, once those in
// memory are gone; the file is emptied whenever it has been read through.
// The file is a cache, never a record of progress: a resumed crawl rebuilds
// its queue from its --state journal, and a new queue truncates the file.
#pragma once

#include "asyncfetch/crawl/crawl_entry.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace asyncfetch::crawl {

class entry_queue {
public:
    // memory_budget 0: no limit, never a file. spill_path "": an unnamed
    // temporary file in $TMPDIR (or /tmp), made at the first spill, gone with
    // the process.
    explicit entry_queue(std::size_t memory_budget = 0, std::string spill_path = {});
    ~entry_queue();
    entry_queue(const entry_queue&) = delete;
    entry_queue& operator=(const entry_queue&) = delete;

    void push(const crawl_entry& e);
    std::optional<crawl_entry> pop();
    // The entry last pushed (push() must have been called).
    const crawl_entry& back() const { return last_; }

    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    std::size_t memory() const noexcept { return bytes_.size(); } // packed bytes held
    std::size_t spilled_bytes() const noexcept { return write_at_ - read_at_; }
    // The most memory() and spilled_bytes() have been.
    std::size_t peak_memory() const noexcept { return peak_memory_; }
    std::uint64_t peak_spilled() const noexcept { return peak_spilled_; }
    // What went wrong with the spill file, if anything: entries that could
    // not be written stay in memory (in order); those that could not be read
    // back are lost, and counted here.
    const std::string& problem() const noexcept { return problem_; }

private:
    void encode(const crawl_entry& e);
    bool spill();             // writes scratch_ to the file
    bool fill(std::size_t n); // at least n bytes in memory, read from the file
    bool decode(crawl_entry& e);
    void fail(const std::string& what);

    std::size_t budget_;
    std::string spill_path_;
    int fd_ = -1;
    std::uint64_t read_at_ = 0, write_at_ = 0; // the file's unread bytes
    std::deque<char> bytes_;                   // the packed stream's head
    std::deque<crawl_entry> overflow_;         // after a failed spill write
    std::string scratch_, written_parent_, read_parent_;
    bool parent_written_ = false; // written_parent_ is the stream's last
    crawl_entry last_;
    std::size_t size_ = 0; // entries queued
    std::size_t in_stream_ = 0;
    std::size_t peak_memory_ = 0;
    std::uint64_t peak_spilled_ = 0; // of them in memory or the file (not overflow_)
    std::string problem_;
};

} // namespace asyncfetch::crawl
