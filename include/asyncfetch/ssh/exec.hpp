// Running one command over an open session: channel, exec, stdout and stderr
// drained together, close, exit status or signal.
#pragma once

#include "asyncfetch/ssh/session.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace asyncfetch::ssh {

// What to do after one round of reading stdout and stderr (sans I/O: the
// rule libssh2 needs, tested on its own). `out_rc` and `err_rc` are the
// return values of libssh2_channel_read and _read_stderr.
enum class read_next {
    read_again,  // data arrived: read both again before waiting
    wait_socket, // both said EAGAIN: only now is waiting safe
    finished,    // end of output
    failed,      // a read failed
};
read_next after_reads(long out_rc, long err_rc, bool channel_eof);

// Splits streamed output into whole lines, so that lines of different hosts
// never interleave mid-line (--stream).
class line_splitter {
public:
    // Calls emit(line) for each complete line in `chunk` (without '\n').
    void feed(std::string_view chunk, const std::function<void(std::string_view)>& emit);
    // Emits what is left as a last line, if anything.
    void flush(const std::function<void(std::string_view)>& emit);

private:
    std::string partial_;
};

struct exec_options {
    std::uint64_t max_output = 64ull << 20; // bytes kept per stream; the rest is counted, not kept
    // Called with each chunk as it arrives (is_stderr, data); optional.
    std::function<void(bool, std::string_view)> on_output;
};

struct exec_result {
    int exit_status = -1; // -1 until the command ends with a status
    std::string signal;   // "TERM", "KILL", ... when it ended by a signal
    std::string out, err; // up to max_output each
    std::uint64_t out_bytes = 0, err_bytes = 0;
};

boost::asio::awaitable<ssh_failure> exec(session& s, const std::string& command,
                                         const exec_options& options, exec_result& result);

} // namespace asyncfetch::ssh
