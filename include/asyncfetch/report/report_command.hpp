// `asyncfetch report RECORDS.jsonl`: records file in, HTML page out.
#pragma once

#include "asyncfetch/report/report_data.hpp"

#include <cstdio>
#include <string>

namespace asyncfetch::report {

struct report_config {
    std::string records;     // JSON lines file, "-" for stdin
    std::string output;      // "" = report.html beside the records, "-" = stdout
    bool keep_going = false; // skip malformed lines (counted) instead of stopping
};

// A record line longer than this is malformed (SSH stdout is bounded well below).
inline constexpr std::size_t max_record_line = 64 * 1024 * 1024;

// Feeds every line of `in` to `builder`. A malformed line: "NAME:LINE: problem"
// in `problem` and false, or with keep_going counted as skipped.
bool read_records(std::FILE* in, const std::string& name, bool keep_going, report_builder& builder,
                  std::string& problem);

// Where the page goes when -o is not given.
std::string default_report_path(const std::string& records);

// Exit status: 0 written, 2 unreadable or malformed input, or the page not written.
int run_report(const report_config& config);

} // namespace asyncfetch::report
