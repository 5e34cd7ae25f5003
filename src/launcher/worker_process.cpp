#include "asyncfetch/launcher/worker_process.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "asyncfetch/core/record_boundary.hpp"
#include "asyncfetch/launcher/frame.hpp"
#include "asyncfetch/launcher/messages.hpp"

#include "frame_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/prctl.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>

namespace asio = boost::asio;

namespace asyncfetch::launcher {

using detail::local_socket;

void run_worker_process(int fd, const job_kind& kind, std::size_t processes) {
    std::signal(SIGINT, SIG_IGN); // a terminal's Ctrl-C is the parent's to handle
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGPIPE, SIG_IGN);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM); // never outlive the parent
    if (::getppid() == 1) std::_Exit(0);
    {
        asio::io_context ctx(1);
        local_socket sock(ctx, asio::local::stream_protocol(), fd);
        detail::frame_writer out;
        auto [op, keep_alive] = kind.make_worker_operation
                                    ? kind.make_worker_operation(ctx.get_executor(), processes)
                                    : kind.make_operation(ctx.get_executor());
        auto reader = [&]() -> asio::awaitable<void> {
            frame_decoder frames;
            std::array<char, 16384> buf;
            for (;;) {
                auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf), use_tuple);
                if (ec) break;
                frames.feed({buf.data(), n});
                while (auto frame = frames.next()) {
                    // A garbled message: the parent is not to be trusted; stop taking work.
                    auto m = decode_target_message(*frame);
                    if (!m) co_return;
                    asio::co_spawn(
                        ctx,
                        [&, t = std::move(m->t), id = m->id]() -> asio::awaitable<void> {
                            auto r = co_await run_to_record(op, t);
                            if (r.fields.empty()) r = kind.error_record(t.text, r.error, r.result);
                            send(sock, out, encode_frame(encode_record_message(id, r)), nullptr);
                        },
                        asio::detached);
                }
            }
        };
        asio::co_spawn(ctx, reader(), asio::detached);
        ctx.run();
    }
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(0);
}

} // namespace asyncfetch::launcher
