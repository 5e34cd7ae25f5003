#include "asyncfetch/launcher/pool.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "asyncfetch/core/event.hpp"
#include "asyncfetch/launcher/frame.hpp"
#include "asyncfetch/launcher/messages.hpp"
#include "asyncfetch/launcher/worker_process.hpp"

#include "frame_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <deque>
#include <map>
#include <thread>

namespace asio = boost::asio;

namespace asyncfetch::launcher {
namespace {

using detail::frame_writer;
using detail::local_socket;

std::string describe_status(int status) {
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    return "status " + std::to_string(status);
}

} // namespace

struct worker_pool::impl : std::enable_shared_from_this<impl> {
    struct pending {
        target t;
        int deaths = 0;
        std::optional<record> result;
        event done; // notified once `result` is in
        pending(target tt, const asio::any_io_executor& ex) : t(std::move(tt)), done(ex) {}
    };
    struct worker {
        pid_t pid = -1;
        std::unique_ptr<local_socket> sock;
        frame_writer out;
        std::map<std::uint64_t, std::shared_ptr<pending>> in_flight;
        bool alive = true;
        bool reaped = false;
        std::size_t finished = 0; // records it sent back
    };

    asio::any_io_executor ex;
    const job_kind& kind;
    std::size_t per_worker;
    std::size_t processes;
    std::vector<std::shared_ptr<worker>> workers;
    std::deque<std::shared_ptr<pending>> waiting; // no free slot in a live worker yet
    std::uint64_t next_id = 0;
    bool stopping = false;

    impl(asio::any_io_executor e, const job_kind& k, std::size_t per, std::size_t n)
        : ex(std::move(e)), kind(k), per_worker(per), processes(n) {}

    std::shared_ptr<worker> spawn() {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            throw std::runtime_error("cannot create a socket pair for a worker");
        std::fflush(stdout); // nothing buffered may be written twice
        std::fflush(stderr);
        const pid_t pid = ::fork();
        if (pid < 0) throw std::runtime_error("cannot fork a worker process");
        if (pid == 0) {
            ::close(sv[0]);
            for (const auto& w : workers)
                if (w->sock) ::close(w->sock->native_handle());
            run_worker_process(sv[1], kind, processes);
        }
        ::close(sv[1]);
        auto w = std::make_shared<worker>();
        w->pid = pid;
        w->sock = std::make_unique<local_socket>(ex, asio::local::stream_protocol(), sv[0]);
        workers.push_back(w);
        asio::co_spawn(ex, read_loop(shared_from_this(), w), asio::detached);
        return w;
    }

    void dispatch(const std::shared_ptr<pending>& p) {
        std::shared_ptr<worker> best;
        for (const auto& w : workers) {
            if (!w->alive || w->in_flight.size() >= per_worker) continue;
            if (!best || w->in_flight.size() < best->in_flight.size()) best = w;
        }
        if (!best) {
            waiting.push_back(p);
            return;
        }
        send_to(best, p);
    }

    void send_to(const std::shared_ptr<worker>& best, const std::shared_ptr<pending>& p) {
        const auto id = next_id++;
        best->in_flight[id] = p;
        detail::send(*best->sock, best->out, encode_frame(encode_target_message(id, p->t)), best);
    }

    void dispatch_waiting() {
        while (!waiting.empty()) {
            auto p = waiting.front();
            const auto before = waiting.size();
            waiting.pop_front();
            dispatch(p);
            if (waiting.size() == before) break; // went back: no free slot
        }
    }

    static asio::awaitable<void> read_loop(std::shared_ptr<impl> self, std::shared_ptr<worker> w) {
        frame_decoder frames;
        std::array<char, 65536> buf;
        // Until the socket breaks or a frame is garbled (frame_error, or no
        // message): then the worker is not to be trusted; treat it as dead.
        try {
            for (bool trusted = true; trusted;) {
                auto [ec, n] = co_await w->sock->async_read_some(asio::buffer(buf), use_tuple);
                if (ec) break;
                frames.feed({buf.data(), n});
                while (auto frame = frames.next()) {
                    auto m = decode_record_message(*frame);
                    if (!m) {
                        trusted = false;
                        break;
                    }
                    const auto it = w->in_flight.find(m->id);
                    if (it == w->in_flight.end()) continue;
                    auto p = it->second;
                    w->in_flight.erase(it);
                    ++w->finished;
                    p->result = std::move(m->r);
                    p->done.notify();
                }
                if (trusted) self->dispatch_waiting();
            }
        } catch (const frame_error&) {
        }
        w->alive = false;
        if (self->stopping) co_return;
        ::kill(w->pid, SIGKILL); // in case it only closed its end
        int status = 0;
        ::waitpid(w->pid, &status, 0);
        w->reaped = true;
        boost::system::error_code ignored;
        w->sock->close(ignored);
        // Nothing lost: its targets go to a replacement, unless this is their second death.
        auto orphans = std::move(w->in_flight);
        w->in_flight.clear();
        // Orphans go to the fresh replacement (it has room for all of them):
        // never to another worker that may have died unnoticed at the same time.
        const auto replacement = self->spawn();
        for (auto& [id, p] : orphans) {
            if (++p->deaths >= 2) {
                p->result =
                    self->kind.error_record(p->t.text,
                                            "worker: the process running this target died twice (" +
                                                describe_status(status) + ")",
                                            outcome::failed);
                p->done.notify();
            } else {
                self->send_to(replacement, p);
            }
        }
        self->dispatch_waiting();
    }

    void stop() {
        stopping = true;
        boost::system::error_code ignored;
        for (const auto& w : workers)
            if (w->sock) w->sock->close(ignored); // EOF: an idle worker exits by itself
        // Give idle workers a moment to exit; stop the rest.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        for (const auto& w : workers) {
            if (w->reaped) continue;
            int status = 0;
            while (::waitpid(w->pid, &status, WNOHANG) == 0) {
                if (std::chrono::steady_clock::now() > deadline) {
                    ::kill(w->pid, SIGTERM);
                    ::waitpid(w->pid, &status, 0);
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            w->reaped = true;
        }
    }
};

worker_pool::worker_pool(asio::any_io_executor ex, const job_kind& kind, std::size_t workers,
                         std::size_t per_worker)
    : impl_(std::make_shared<impl>(std::move(ex), kind, std::max<std::size_t>(1, per_worker),
                                   workers)) {
    for (std::size_t i = 0; i < workers; ++i)
        impl_->spawn();
}

worker_pool::~worker_pool() {
    impl_->stop();
}

asio::awaitable<record> worker_pool::run(const target& t) {
    auto p = std::make_shared<impl::pending>(t, impl_->ex);
    impl_->dispatch(p);
    // A cancel of the run (Ctrl-C) ends the wait with operation_aborted.
    while (!p->result)
        co_await p->done.wait();
    co_return std::move(*p->result);
}

std::string worker_pool::report() const {
    std::string counts;
    std::size_t died = 0;
    for (const auto& w : impl_->workers) {
        if (w->reaped && !impl_->stopping) ++died;
        if (w->finished == 0 && !w->alive) continue; // a worker that died before finishing anything
        counts += (counts.empty() ? "" : ", ") + std::to_string(w->finished);
    }
    return "workers: " + std::to_string(impl_->processes) + " processes ran " + counts +
           " targets" + (died ? "; " + std::to_string(died) + " died and were replaced" : "");
}

std::vector<pid_t> worker_pool::pids() const {
    std::vector<pid_t> out;
    for (const auto& w : impl_->workers)
        if (w->alive) out.push_back(w->pid);
    return out;
}

} // namespace asyncfetch::launcher
