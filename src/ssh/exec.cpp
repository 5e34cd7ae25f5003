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

    // Start the command.
    const long started = co_await s.retry(
        [&] { return static_cast<long>(libssh2_channel_exec(channel, command.c_str())); });
    if (started != 0)
        co_return ssh_failure{libssh2_error(static_cast<int>(started)), "exec: " + s.last_error()};

    // Drain stdout and stderr together until EOF (one stream left unread fills the window and hangs
    // the command).
    std::array<char, 32 * 1024> buf;
    auto keep = [&](bool is_err, long n) {
        auto& text = is_err ? result.err : result.out;
        auto& total = is_err ? result.err_bytes : result.out_bytes;
        const std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
        total += chunk.size();
        if (text.size() < options.max_output)
            text.append(chunk.substr(0, options.max_output - text.size()));
        if (options.on_output) options.on_output(is_err, chunk);
    };
    for (;;) {
        const long out_rc = libssh2_channel_read(channel, buf.data(), buf.size());
        if (out_rc > 0) keep(false, out_rc);
        const long err_rc = libssh2_channel_read_stderr(channel, buf.data(), buf.size());
        if (err_rc > 0) keep(true, err_rc);
        const auto next = after_reads(out_rc, err_rc, libssh2_channel_eof(channel) == 1);
        if (next == read_next::finished) break;
        if (next == read_next::failed) {
            co_return ssh_failure{libssh2_error(static_cast<int>(out_rc < 0 ? out_rc : err_rc)),
                                  "read: " + s.last_error()};
        }
        if (next == read_next::wait_socket) co_await s.wait_socket();
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
