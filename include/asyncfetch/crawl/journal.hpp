// --state DIR: a crawl's progress on disk, so that a crawl killed (even by
// SIGKILL) and started again with the same DIR finishes the same pages, each
// with exactly one record in the resumed run's output.
//
// DIR/frontier: one line per URL queued ("Q\tINDEX\tDEPTH\tURL\tPARENT\tLASTMOD")
// or only seen ("S\tURL", a redirect's target). DIR/records: one line per
// page done ("INDEX\tRECORD-JSON"). Both are appended with one write() per
// page (the links it queued, then its record), so a killed process loses
// nothing written; they are fsynced every sync_every pages and at the end,
// so a machine crash loses at most the last batch. A torn last line is
// dropped on reading. On resume the done pages' records are written again
// and the queued, not done ones fetched: at most the pages in flight when
// the crawl was killed are fetched twice. A crawl that ends (not
// cancelled) removes both files: the next run starts afresh.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/crawl/frontier.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace asyncfetch::crawl {

class journal {
public:
    static constexpr std::size_t sync_every = 256; // pages between fsyncs

    // Opens (creating) DIR and reads what an earlier run left there.
    static parsed<std::unique_ptr<journal>> open(const std::string& dir);
    ~journal();
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;

    // What an earlier run left, read from the files again (a large crawl's
    // state is never held in memory): its queued entries and seen-only URLs
    // in the order noted, and the records of its done pages (index, JSON),
    // each page once.
    void replay_frontier(const std::function<void(crawl_entry&&)>& queued,
                         const std::function<void(std::string&&)>& seen) const;
    void replay_records(const std::function<void(std::size_t, std::string&&)>& record) const;
    bool done(std::size_t index) const { return index < done_.size() && done_[index]; }
    // A seed an earlier run queued.
    bool known(std::size_t index) const { return index < seeds_.size() && seeds_[index]; }

    // Appends, written with the next page's record (or flush()).
    void note_queued(const crawl_entry& e);
    void note_seen(const std::string& url);
    // The page's record; writes it with the links it queued. An error is
    // remembered and returned by finish().
    void note_done(std::size_t index, const std::string& record_json);
    void flush();
    // After the crawl: fsync, and without `keep` (the crawl ended) remove
    // the files. "" or what went wrong with the state files.
    std::string finish(bool keep);

private:
    journal() = default;
    void write(int fd, std::string& bytes);

    std::string dir_;
    int frontier_fd_ = -1, records_fd_ = -1;
    std::string frontier_buf_, records_buf_;
    std::vector<bool> done_, seeds_; // by index: indexes are dense
    std::size_t since_sync_ = 0;
    std::string problem_;
};

} // namespace asyncfetch::crawl
