// What `asyncfetch report` shows, aggregated while the records stream past:
// every part has a fixed size (a log-scale latency histogram, the top-N
// slowest in a heap, capped host and status tables, a decimated timeline), so
// a file of millions of records is read in bounded memory.
#pragma once

#include "asyncfetch/report/latency_histogram.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::report {

// Counts by key, at most `cap` keys: later new keys are counted as "others".
class capped_counts {
public:
    explicit capped_counts(std::size_t cap = 50) : cap_(cap) {}
    void add(const std::string& key);
    const std::map<std::string, std::uint64_t>& counts() const noexcept { return counts_; }
    std::uint64_t others() const noexcept { return others_; }

private:
    std::size_t cap_;
    std::map<std::string, std::uint64_t> counts_;
    std::uint64_t others_ = 0;
};

enum class record_outcome { ok, failed, cancelled };

// One record, as the report reads it.
struct report_entry {
    std::string target; // URL, or [user@]host:port for SSH
    std::string host;
    double elapsed_ms = 0;
    std::optional<double> start_ms;
    record_outcome result = record_outcome::ok;
    std::optional<int> status;      // HTTP status
    std::optional<int> exit_status; // SSH command
    std::string signal;             // SSH: killed by
    std::string error;              // empty when none
    std::uint64_t bytes = 0;
    bool ssh = false;
};

// Reads one parsed record; nullopt and `problem` set when it is not one.
std::optional<report_entry> read_entry(const nlohmann::json& record, std::string& problem);

// The leading word of an error ("connect 10.0.0.1:80: refused" -> "connect").
std::string error_phase(std::string_view error);

// Text from a record, cut to a length a page can show.
std::string shortened(std::string_view text, std::size_t limit = 300);

struct host_row {
    std::uint64_t count = 0, failures = 0;
    latency_histogram latency;
};

struct timeline_bar {
    double start_ms = 0, elapsed_ms = 0;
    record_outcome result = record_outcome::ok;
};

struct report_limits {
    std::size_t slowest = 20;
    std::size_t hosts = 200;
    std::size_t timeline_bars = 2000;
    std::size_t failures = 100;
};

struct report_data {
    report_limits limits;
    std::uint64_t total = 0, ok = 0, failed = 0, cancelled = 0, bytes = 0;
    std::uint64_t skipped_lines = 0; // --keep-going
    std::uint64_t ssh_records = 0;
    std::optional<double> first_start_ms, last_end_ms;
    latency_histogram latency;
    capped_counts statuses, phases, exit_statuses;
    std::vector<report_entry> slowest; // slowest first, after finish()
    std::map<std::string, host_row> hosts;
    host_row other_hosts;
    std::vector<timeline_bar> timeline; // sorted by start after finish()
    std::size_t timeline_stride = 1;    // every stride-th record with a start is kept
    std::vector<report_entry> failures; // the first ones seen (failed, not cancelled)
    std::uint64_t more_failures = 0;
};

// Adds records one at a time; finish() orders what is shown.
class report_builder {
public:
    explicit report_builder(report_limits limits = {});
    void add(report_entry entry);
    void skip_line() { ++data_.skipped_lines; }
    report_data finish() &&;

private:
    void add_to_timeline(const report_entry& e);
    report_data data_;
    std::uint64_t with_start_ = 0;
};

} // namespace asyncfetch::report
