// Running one local command to its end (or its time limit): stdout and
// stderr read together, each kept up to a bound, the exit status or signal.
// On a timeout the command's process group gets SIGTERM, then SIGKILL after
// a grace, so that what it started stops with it.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace asyncfetch {

struct command_options {
    std::uint64_t max_output = 64ull << 20; // bytes kept per stream; the rest is counted, not kept
    std::chrono::steady_clock::duration timeout{};                            // zero: none
    std::chrono::steady_clock::duration kill_grace = std::chrono::seconds(2); // TERM, then KILL
    // Called with each chunk as it arrives (is_stderr, data); optional.
    std::function<void(bool, std::string_view)> on_output;
};

struct command_result {
    int exit_status = -1; // -1 unless it exited
    std::string signal;   // "TERM", "KILL", ... when a signal ended it
    std::string out, err; // up to max_output each
    std::uint64_t out_bytes = 0, err_bytes = 0;
    bool timed_out = false;
    std::string sent_signals; // on a timeout: "TERM" or "TERM, KILL"
};

// Runs argv (no shell); the error says why it could not start. A timeout is
// not an error: result.timed_out says so, with what the command wrote by then.
boost::asio::awaitable<std::error_code> run_command(const std::vector<std::string>& argv,
                                                    const command_options& options,
                                                    command_result& result);

} // namespace asyncfetch
