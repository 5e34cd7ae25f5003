// Where a run's records and console lines go: JSON lines to stdout or a file,
// human lines and a live progress line to stderr.
#pragma once

#include "asyncfetch/core/atomic_file.hpp"
#include "asyncfetch/core/target.hpp"
#include "asyncfetch/report/summary.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace asyncfetch::report {

struct output_options {
    std::string path;      // JSON lines file; empty: stdout; "none": no records
    bool console = true;   // "GET: URL" / "N bytes received from URL" lines
    bool progress = false; // a redrawn "done/total" line (stderr is a terminal)
    bool atomic = false;   // the file appears at `path` only complete, at finish()
};

class output {
public:
    // Opens the records file; throws std::runtime_error naming the path on failure.
    explicit output(output_options options);
    ~output();
    output(const output&) = delete;
    output& operator=(const output&) = delete;

    void set_total(std::size_t total) { total_ = total; }
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
    void draw_progress();
    void write_failed(const char* step, int error);

    output_options options_;
    std::FILE* records_ = nullptr;
    bool owns_records_ = false;
    atomic_file atomic_;
    std::string write_error_;
    bool finished_ = false;
    summary summary_;
    std::size_t total_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

} // namespace asyncfetch::report
