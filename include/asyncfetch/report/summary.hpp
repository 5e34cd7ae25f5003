// The end-of-run summary: counts, bytes, latency percentiles and wall time.
#pragma once

#include "asyncfetch/core/target.hpp"
#include "asyncfetch/report/latency_histogram.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace asyncfetch::report {

class summary {
public:
    void add(const record& r);

    std::size_t total() const noexcept { return ok_ + failed_ + cancelled_; }
    std::size_t ok() const noexcept { return ok_; }
    std::size_t failed() const noexcept { return failed_; }
    std::size_t cancelled() const noexcept { return cancelled_; }
    std::uint64_t bytes() const noexcept { return bytes_; }
    // Targets that waited inside their operation for a limit's slot, the
    // longest such wait, and the most requests one process had on the wire.
    std::size_t queued() const noexcept { return queued_; }
    double longest_queue_ms() const noexcept { return longest_queue_ms_; }
    std::size_t peak_in_flight() const noexcept { return peak_in_flight_; }

    // Nearest-rank percentile of elapsed_ms over finished (ok or failed)
    // records, within 0.8% (a fixed-size histogram: memory does not grow with
    // the run); 0 when there are none. p in (0, 100].
    double latency_percentile(double p) const;

    // One line: "N targets: A ok, B failed, C cancelled; X received; latency
    // p50 .. p90 .. p99 ..; wall W s" (`bytes_verb` in place of "received").
    std::string format(std::chrono::duration<double> wall,
                       const char* bytes_verb = "received") const;

private:
    std::size_t ok_ = 0, failed_ = 0, cancelled_ = 0;
    std::uint64_t bytes_ = 0;
    std::size_t queued_ = 0, peak_in_flight_ = 0;
    double longest_queue_ms_ = 0;
    latency_histogram latencies_;
};

// "1.2 MB", "512 B": bytes for people.
std::string human_bytes(std::uint64_t n);

} // namespace asyncfetch::report
