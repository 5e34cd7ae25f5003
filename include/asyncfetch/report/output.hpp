// Where a run's records and console lines go: JSON lines to stdout or a file,
// human lines and a live progress line to stderr.
#pragma once

#include "asyncfetch/core/atomic_file.hpp"
#include "asyncfetch/core/target.hpp"
#include "asyncfetch/report/progress.hpp"
#include "asyncfetch/report/summary.hpp"

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

namespace asyncfetch::report {

struct output_options {
    std::string path;      // JSON lines file; empty: stdout; "none": no records
    bool console = true;   // "GET: URL" / "N bytes received from URL" lines
    bool progress = false; // a redrawn progress line (report/progress.hpp), stderr a terminal
    bool atomic = false;   // the file appears at `path` only complete, at finish()
};

// Optional: told when a target starts, when a started one ends, and when a
// record is written (a service's metrics count them).
struct output_watch {
    std::function<void()> started, ended;
    std::function<void(const record&)> finished;
};

class output {
public:
    // Opens the records file; throws std::runtime_error naming the path on failure.
    explicit output(output_options options);
    ~output();
    output(const output&) = delete;
    output& operator=(const output&) = delete;

    void set_total(std::size_t total) { total_ = total; }
    void watch(output_watch w) { watch_ = std::move(w); }
    // A target started, a started one ended (its record comes through write_record).
    void note_started() {
        if (watch_.started) watch_.started();
    }
    void note_ended() {
        if (watch_.ended) watch_.ended();
    }
    // The pass whose rate and ETA the progress line shows begins now.
    void start_progress() { progress_start_ = std::chrono::steady_clock::now(); }
    bool progress() const noexcept { return options_.progress; }
    // Redraws the progress line with the figures as they are now (the
    // progress timer calls it; a no-op without `progress`).
    void draw_progress();
    // A human line on stderr (kept clear of the progress line).
    void say(const std::string& line);
    void write_record(const record& r);
    // Flushes and closes the records file (with `atomic`, fsyncs it and
    // renames it into place); clears the progress line. False if any record
    // could not be written: write_error() says which file and why.
    bool finish();
    // Empty, or "FILE: cannot write: No space left on device".
    const std::string& write_error() const noexcept { return write_error_; }
    const summary& totals() const noexcept { return summary_; }
    bool console() const noexcept { return options_.console; }

private:
    void put_progress();
    void write_failed(const char* step, int error);

    output_options options_;
    std::FILE* records_ = nullptr;
    bool owns_records_ = false;
    atomic_file atomic_;
    std::string write_error_;
    bool finished_ = false;
    summary summary_;
    std::size_t total_ = 0;
    output_watch watch_;
    std::chrono::steady_clock::time_point progress_start_ = std::chrono::steady_clock::now();
    std::string progress_line_; // as last drawn: put back under each line said
    std::string line_;          // the record being written, its capacity kept for the next
};

} // namespace asyncfetch::report
