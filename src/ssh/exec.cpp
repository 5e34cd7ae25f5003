#include "asyncfetch/ssh/exec.hpp"

#include "asyncfetch/ssh/error.hpp"

#include <libssh2.h>

#include <array>

namespace asio = boost::asio;

namespace asyncfetch::ssh {

read_next after_reads(long out_rc, long err_rc, bool channel_eof) {
    const auto bad = [](long rc) { return rc < 0 && rc != LIBSSH2_ERROR_EAGAIN; };
    if (bad(out_rc) || bad(err_rc)) return read_next::failed;
    if (out_rc > 0 || err_rc > 0) return read_next::read_again;
    // A read on one stream can take in the other stream's packets, so EOF is
    // believed only when neither produced anything this round.
    if (channel_eof) return read_next::finished;
    return read_next::wait_socket;
}

read_next after_round(long out_rc, long err_rc, bool channel_eof, input_state input) {
    const auto next = after_reads(out_rc, err_rc, channel_eof);
    if (next != read_next::wait_socket) return next;
    const bool input_can_move = input == input_state::progressed || input == input_state::can_send;
    return input_can_move ? read_next::read_again : next;
}

input_feeder::call input_feeder::next() const {
    if (stopped_ || eof_sent_) return call::none;
    if (sent_ < input_.size()) return call::write;
    return hold_eof_ ? call::none : call::send_eof;
}

std::string_view input_feeder::chunk() const {
    constexpr std::size_t max_chunk = 32 * 1024; // one SSH packet's worth
    return input_.substr(sent_, max_chunk);
}

bool input_feeder::on_result(long rc) {
    if (rc == LIBSSH2_ERROR_EAGAIN) return false;
    if (rc < 0) {
        // The command closed its side (exited, or never reads): the reads
        // say how it ended; the rest of the input has nowhere to go.
        stopped_ = true;
        return false;
    }
    if (next() == call::send_eof) {
        eof_sent_ = true;
        return true;
    }
    sent_ += static_cast<std::uint64_t>(rc); // 0: no window yet
    return rc > 0;
}

void line_splitter::feed(std::string_view chunk,
                         const std::function<void(std::string_view)>& emit) {
    for (auto nl = chunk.find('\n'); nl != std::string_view::npos; nl = chunk.find('\n')) {
        if (partial_.empty()) {
            emit(chunk.substr(0, nl));
        } else {
            partial_.append(chunk.substr(0, nl));
            emit(partial_);
            partial_.clear();
        }
        chunk.remove_prefix(nl + 1);
    }
    partial_.append(chunk);
}

void line_splitter::flush(const std::function<void(std::string_view)>& emit) {
    if (!partial_.empty()) emit(partial_);
    partial_.clear();
}

asio::awaitable<ssh_failure> exec(session& s, const std::string& command,
                                  const exec_options& options, exec_result& result) {
    LIBSSH2_SESSION* raw = s.raw();
    // Open a session channel.
    LIBSSH2_CHANNEL* channel = nullptr;
    const long opened = co_await s.retry([&] {
        channel = libssh2_channel_open_session(raw);
        return channel ? 0L : static_cast<long>(libssh2_session_last_errno(raw));
    });
    if (!channel)
        co_return ssh_failure{libssh2_error(static_cast<int>(opened)),
                              "channel: " + s.last_error()};
    // Free the channel whatever happens below (the session frees it otherwise).
    struct channel_guard {
        LIBSSH2_CHANNEL*& c;
        ~channel_guard() {
            if (c) libssh2_channel_free(c); // may say EAGAIN: libssh2_session_free finishes it
        }
    } guard{channel};

    // A pseudo-terminal first, if asked for: the command then sees a tty.
    if (options.pty) {
        const long pty = co_await s.retry(
            [&] { return static_cast<long>(libssh2_channel_request_pty(channel, "xterm")); });
        if (pty != 0)
            co_return ssh_failure{libssh2_error(static_cast<int>(pty)), "pty: " + s.last_error()};
    }

    // Start the command.
    const long started = co_await s.retry(
        [&] { return static_cast<long>(libssh2_channel_exec(channel, command.c_str())); });
    if (started != 0)
        co_return ssh_failure{libssh2_error(static_cast<int>(started)), "exec: " + s.last_error()};

    // Send stdin (the input, then EOF) while draining stdout and stderr
    // together until EOF: one stream left unread fills the window and hangs
    // the command, and input it echoes back needs reading to be taken in.
    // The thread's buffer, not this frame's: each read is taken in (keep)
    // before the next suspension, and a session held open by a long command
    // would otherwise carry 32 KB in its frame.
    thread_local std::array<char, 32 * 1024> read_buffer;
    auto& buf = read_buffer;
    std::string answers; // what respond() gave, for stdin
    auto keep = [&](bool is_err, long n) {
        auto& text = is_err ? result.err : result.out;
        auto& total = is_err ? result.err_bytes : result.out_bytes;
        const std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
        total += chunk.size();
        if (text.size() < options.max_output)
            text.append(chunk.substr(0, options.max_output - text.size()));
        if (options.on_output) options.on_output(is_err, chunk);
        if (options.respond) {
            auto answer = options.respond(is_err, chunk);
            answers += answer.reply;
            result.stopped = result.stopped || answer.stop;
        }
    };
    // stdin: the input, or (with respond) its answers and no EOF.
    const std::string_view given =
        options.input ? std::string_view(*options.input) : std::string_view();
    input_feeder feeder(options.respond ? std::string_view(answers) : given,
                        static_cast<bool>(options.respond));
    enum class call { input, out, err };
    // One libssh2 call; output is kept, input moved on.
    auto make = [&](call c) -> long {
        if (c == call::input) {
            const auto chunk = feeder.chunk();
            const long rc =
                feeder.next() == input_feeder::call::write
                    ? static_cast<long>(libssh2_channel_write(channel, chunk.data(), chunk.size()))
                    : static_cast<long>(libssh2_channel_send_eof(channel));
            feeder.on_result(rc);
            return rc;
        }
        const bool is_err = c == call::err;
        const long rc = is_err ? libssh2_channel_read_stderr(channel, buf.data(), buf.size())
                               : libssh2_channel_read(channel, buf.data(), buf.size());
        if (rc > 0) keep(is_err, rc);
        return rc;
    };
    // A call that said EAGAIN with a packet half sent must go again before any
    // other: libssh2 would finish that packet in the other call's place and
    // take the other call's own data as sent.
    auto left_packet_half_sent = [&](long rc) {
        return rc == LIBSSH2_ERROR_EAGAIN &&
               (libssh2_session_block_directions(raw) & LIBSSH2_SESSION_BLOCK_OUTBOUND);
    };
    auto finish_sending = [&](call c) -> asio::awaitable<long> {
        for (;;) {
            co_await s.wait_socket(LIBSSH2_SESSION_BLOCK_OUTBOUND);
            const long rc = make(c);
            if (!left_packet_half_sent(rc)) co_return rc;
        }
    };
    for (;;) {
        const auto answered_before = answers.size();
        auto in = input_state::idle;
        if (feeder.next() != input_feeder::call::none) {
            const auto sent_before = feeder.sent();
            const auto call_before = feeder.next();
            if (left_packet_half_sent(make(call::input))) co_await finish_sending(call::input);
            if (feeder.next() == input_feeder::call::none)
                in = input_state::idle;
            else if (feeder.sent() != sent_before || feeder.next() != call_before)
                in = input_state::progressed;
            else
                in = input_state::blocked;
        }
        long out_rc = make(call::out);
        if (left_packet_half_sent(out_rc)) out_rc = co_await finish_sending(call::out);
        long err_rc = make(call::err);
        if (left_packet_half_sent(err_rc)) err_rc = co_await finish_sending(call::err);
        if (in == input_state::blocked && libssh2_channel_window_write(channel) > 0)
            in = input_state::can_send; // a read took in a window adjustment
        const auto next = after_round(out_rc, err_rc, libssh2_channel_eof(channel) == 1, in);
        if (next == read_next::finished || result.stopped) break;
        if (next == read_next::failed) {
            co_return ssh_failure{libssh2_error(static_cast<int>(out_rc < 0 ? out_rc : err_rc)),
                                  "read: " + s.last_error()};
        }
        if (options.respond) feeder.extend(answers);     // (appending may have moved it)
        if (answers.size() != answered_before) continue; // a new answer: send it before waiting
        if (next == read_next::wait_socket)
            co_await s.wait_socket();
        else if (s.turn_due()) // output that never stops: the loop's other work goes on
            co_await s.yield_turn();
    }

    // Close, and wait for the server's close: only then is the exit status known.
    const long closed =
        co_await s.retry([&] { return static_cast<long>(libssh2_channel_close(channel)); });
    if (closed == 0)
        co_await s.retry([&] { return static_cast<long>(libssh2_channel_wait_closed(channel)); });
    char* signal = nullptr;
    std::size_t signal_len = 0;
    libssh2_channel_get_exit_signal(channel, &signal, &signal_len, nullptr, nullptr, nullptr,
                                    nullptr);
    if (signal) {
        result.signal.assign(signal, signal_len);
        libssh2_free(raw, signal);
    } else {
        result.exit_status = libssh2_channel_get_exit_status(channel);
    }
    const long freed =
        co_await s.retry([&] { return static_cast<long>(libssh2_channel_free(channel)); });
    if (freed == 0) channel = nullptr;
    co_return ssh_failure{};
}

} // namespace asyncfetch::ssh
