#include "asyncfetch/core/run_command.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "asyncfetch/core/child_process.hpp"
#include "asyncfetch/core/timeout.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <signal.h>

#include <array>

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace asyncfetch {
namespace {

// Reads one pipe to EOF, keeping up to max_output of it.
asio::awaitable<void> drain(asio::posix::stream_descriptor& pipe, bool is_err,
                            const command_options& options, command_result& result) {
    if (!pipe.is_open()) co_return;
    std::array<char, 16 * 1024> buf;
    auto& text = is_err ? result.err : result.out;
    auto& total = is_err ? result.err_bytes : result.out_bytes;
    for (;;) {
        auto [ec, n] = co_await pipe.async_read_some(asio::buffer(buf), use_tuple);
        if (n > 0) {
            const std::string_view chunk(buf.data(), n);
            total += n;
            if (text.size() < options.max_output)
                text.append(chunk.substr(0, options.max_output - text.size()));
            if (options.on_output) options.on_output(is_err, chunk);
        }
        if (ec) co_return; // EOF (every writer gone), or cancelled
    }
}

// Both pipes at EOF and the child reaped (true: for with_timeout).
asio::awaitable<bool> run_to_end(child_process& child, const command_options& options,
                                 command_result& result) {
    co_await (drain(child.stdout_pipe(), false, options, result) &&
              drain(child.stderr_pipe(), true, options, result));
    co_await child.wait_exit();
    co_return true;
}

asio::awaitable<bool> drain_both(child_process& child, const command_options& options,
                                 command_result& result) {
    co_await (drain(child.stdout_pipe(), false, options, result) &&
              drain(child.stderr_pipe(), true, options, result));
    co_return true;
}

// The time limit passed: TERM to the group, and KILL if it is still there
// after the grace. Returns once the child is reaped.
asio::awaitable<void> stop_group(child_process& child, const command_options& options,
                                 command_result& result) {
    result.timed_out = true;
    child.signal_group(SIGTERM);
    result.sent_signals = "TERM";
    // (Named results: g++ 12 miscompiles a co_await inside a condition here.)
    const auto ended =
        co_await with_timeout(run_to_end(child, options, result), options.kill_grace);
    if (ended) co_return;
    child.signal_group(SIGKILL);
    result.sent_signals += ", KILL";
    co_await child.wait_exit();
    // A process that left the group may still hold the pipes: read what is
    // there for one more grace, no longer.
    const auto drained =
        co_await with_timeout(drain_both(child, options, result), options.kill_grace);
    (void)drained;
}

} // namespace

asio::awaitable<std::error_code> run_command(const std::vector<std::string>& argv,
                                             const command_options& options,
                                             command_result& result) {
    child_process child(co_await asio::this_coro::executor);
    spawn_request request;
    request.argv = argv;
    if (auto failed = child.start(request)) co_return failed;
    if (options.timeout <= std::chrono::steady_clock::duration::zero()) {
        co_await run_to_end(child, options, result);
    } else {
        const auto in_time =
            co_await with_timeout(run_to_end(child, options, result), options.timeout);
        if (!in_time) co_await stop_group(child, options, result);
    }
    const auto ended = co_await child.wait_exit();
    result.exit_status = ended.status;
    result.signal = ended.signal ? signal_name(ended.signal) : "";
    co_return std::error_code{};
}

} // namespace asyncfetch
