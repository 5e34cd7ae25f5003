// Running one command over an open session: channel, exec, stdout and stderr
// drained together, close, exit status or signal.
#pragma once

#include "asyncfetch/ssh/session.hpp"

#include <cstdint>
#include <functional>
#include <memory>
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

// Where sending the command's stdin stands after this round's call.
enum class input_state {
    idle,       // everything sent, EOF too (or the remote side stopped taking it)
    progressed, // the call sent something: go on without waiting
    blocked,    // no window: only what the server sends can free it
    can_send,   // blocked, but a read since took in a window adjustment
};
// after_reads, with stdin being sent: never wait while input can move.
read_next after_round(long out_rc, long err_rc, bool channel_eof, input_state input);

// The command's stdin (sans I/O): the input, then EOF. The driver makes the
// call next() names and reports its return value.
class input_feeder {
public:
    enum class call { write, send_eof, none };
    // hold_eof: no EOF (a watcher may still have an answer to send).
    explicit input_feeder(std::string_view input, bool hold_eof = false)
        : input_(input), hold_eof_(hold_eof) {}
    call next() const;
    // More input: `input` starts as the one before and goes further.
    void extend(std::string_view input) { input_ = input; }
    // The bytes for the next write: the same until some are taken (libssh2
    // wants the same buffer again after EAGAIN).
    std::string_view chunk() const;
    // Returns true when the call moved the input on.
    bool on_result(long rc);
    std::uint64_t sent() const noexcept { return sent_; }

private:
    std::string_view input_;
    std::uint64_t sent_ = 0;
    bool hold_eof_ = false, eof_sent_ = false, stopped_ = false;
};

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
    // Sent to the command's stdin, then EOF (nothing: EOF at once, so that a
    // command reading stdin ends instead of waiting forever).
    std::shared_ptr<const std::string> input;
    // A pseudo-terminal for the command (as ssh -t): stdout and stderr then
    // arrive merged on stdout.
    bool pty = false;
    // Optional: sees each chunk of output and may answer on the command's
    // stdin (sudo's password on its prompt) or stop it. While set, stdin is
    // kept open, never EOF.
    struct answer {
        std::string reply;
        bool stop = false;
    };
    std::function<answer(bool, std::string_view)> respond;
};

struct exec_result {
    int exit_status = -1; // -1 until the command ends with a status
    std::string signal;   // "TERM", "KILL", ... when it ended by a signal
    std::string out, err; // up to max_output each
    std::uint64_t out_bytes = 0, err_bytes = 0;
    bool stopped = false; // respond() stopped the command
};

boost::asio::awaitable<ssh_failure> exec(session& s, const std::string& command,
                                         const exec_options& options, exec_result& result);

} // namespace asyncfetch::ssh
