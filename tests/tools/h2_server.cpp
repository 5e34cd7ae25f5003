#include "tools/h2_server.hpp"
#include "tools/listeners.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace asyncfetch::testing {

struct h2_server::impl {
    h2_server_options options;
    int listen_fd = -1;
    std::uint16_t port = 0;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> requests{0};
    std::mutex mutex;
    std::vector<std::thread> threads;

    // Readable within 100 ms, or false when stopping.
    bool wait_readable(int fd) const {
        while (!stopping) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) return true;
        }
        return false;
    }

    static bool send_all(int fd, const std::string& bytes) {
        for (std::size_t sent = 0; sent < bytes.size();) {
            const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    void serve(int fd, std::size_t index) {
        const bool goaway_here = index == 0 && options.goaway_after > 0;
        const bool drop_here = index == 0 && options.close_after > 0;
        const bool deaf_here = index == 0 && options.deaf_after > 0;
        std::size_t arrived = 0;
        std::size_t answered = 0;
        std::int32_t last_answered = 0;
        h2_peer peer(
            [&](const h2_request& r) {
                ++requests;
                ++arrived;
                if (drop_here || deaf_here || (goaway_here && answered == options.goaway_after)) {
                    h2_reply silent;
                    silent.what = h2_reply::kind::silent;
                    return silent;
                }
                ++answered;
                last_answered = r.id;
                return options.answer(r, index);
            },
            options.settings);
        std::string out;
        char buf[16384];
        bool goaway_sent = false;
        for (;;) {
            out.clear();
            if (!peer.take_output(out) || !send_all(fd, out)) break;
            if (goaway_sent) break;
            if (!wait_readable(fd)) break;
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0 || !peer.receive({buf, static_cast<std::size_t>(n)})) break;
            if (drop_here && arrived >= options.close_after) break;
            if (deaf_here && arrived >= options.deaf_after) {
                while (!stopping)
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                break;
            }
            if (goaway_here && requests > options.goaway_after && !goaway_sent) {
                peer.goaway(last_answered);
                goaway_sent = true;
            }
        }
        ::close(fd);
    }

    void accept_loop() {
        while (wait_readable(listen_fd)) {
            const int fd = ::accept(listen_fd, nullptr, nullptr);
            if (fd < 0) continue;
            const auto index = connections++;
            std::lock_guard lock(mutex);
            threads.emplace_back([this, fd, index] { serve(fd, index); });
        }
    }
};

h2_server::h2_server(h2_server_options options) : impl_(std::make_unique<impl>()) {
    impl_->options = std::move(options);
    impl_->listen_fd = listen_on_loopback(64, impl_->port);
    std::lock_guard lock(impl_->mutex);
    impl_->threads.emplace_back([i = impl_.get()] { i->accept_loop(); });
}

h2_server::~h2_server() {
    impl_->stopping = true;
    std::thread acceptor;
    {
        std::lock_guard lock(impl_->mutex);
        acceptor = std::move(impl_->threads.front());
    }
    acceptor.join();
    for (std::size_t i = 1; i < impl_->threads.size(); ++i)
        impl_->threads[i].join();
    ::close(impl_->listen_fd);
}

std::string h2_server::base_url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::size_t h2_server::connections() const {
    return impl_->connections;
}

std::size_t h2_server::requests() const {
    return impl_->requests;
}

} // namespace asyncfetch::testing
