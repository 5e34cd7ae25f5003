// When to retry a failed HTTP attempt, and how long to wait first: exponential
// backoff with jitter on connect errors, 429 and 5xx; a Retry-After header
// from the server wins (capped, so a hostile value cannot stall the run).
#pragma once

#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace asyncfetch::http {

using duration = std::chrono::steady_clock::duration;

struct retry_policy {
    int retries = 2;                                      // attempts after the first
    duration base_delay = std::chrono::milliseconds(200); // doubled each retry
    duration max_delay = std::chrono::seconds(10);        // cap for backoff and Retry-After
};

// How an attempt ended, as far as retrying cares.
struct attempt_outcome {
    boost::system::error_code ec; // transport error, if any
    bool connect_failed = false;  // the error happened while connecting
    unsigned status = 0;          // HTTP status when a response arrived
    std::optional<duration> retry_after;
};

// The delay before the next attempt, or nullopt when the outcome is final
// (success, a non-retryable error, or retries used up). `attempts` counts the
// attempts made so far (>= 1); `jitter` in [0, 1) spreads clients apart.
std::optional<duration> retry_delay(const retry_policy& policy, int attempts,
                                    const attempt_outcome& outcome, double jitter);

// Parses a Retry-After value: delta-seconds or an HTTP-date relative to `now`.
std::optional<duration> parse_retry_after(std::string_view value,
                                          std::chrono::system_clock::time_point now);

} // namespace asyncfetch::http
