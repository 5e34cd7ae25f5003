// Where a run's records and console lines go: JSON lines to stdout or a file,
// human lines and a live progress line to stderr.
#pragma once

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
    // Flushes records; clears the progress line.
    void finish();
    const summary& totals() const noexcept { return summary_; }
    bool console() const noexcept { return options_.console; }

private:
    void draw_progress();

    output_options options_;
    std::FILE* records_ = nullptr;
    bool owns_records_ = false;
    summary summary_;
    std::size_t total_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

} // namespace asyncfetch::report
