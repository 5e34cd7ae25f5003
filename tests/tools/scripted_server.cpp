#include "tools/scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace asyncfetch::testing {

struct scripted_server::impl {
    int listen_fd = -1;
    std::uint16_t port = 0;
    std::atomic<bool> stopping{false};
    mutable std::mutex mutex;
    std::deque<scripted_reply> replies;
    std::vector<std::string> requests;
    std::size_t connections = 0;
    std::vector<std::thread> threads;

    // Waits up to 50 ms for `fd` to become readable; false when stopping.
    bool wait_readable(int fd) const {
        while (!stopping) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) return true;
        }
        return false;
    }

    bool send_all(int fd, const std::string& bytes) const {
        std::size_t sent = 0;
        while (sent < bytes.size() && !stopping) {
            const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return sent == bytes.size();
    }

    // One connection: read a request head, send the next reply, repeat.
    void serve(int fd) {
        std::string in;
        char chunk[4096];
        for (;;) {
            std::size_t end;
            while ((end = in.find("\r\n\r\n")) == std::string::npos) {
                if (!wait_readable(fd)) return ::close(fd), void();
                const auto n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) return ::close(fd), void();
                in.append(chunk, static_cast<std::size_t>(n));
            }
            scripted_reply reply;
            {
                std::lock_guard lock(mutex);
                requests.push_back(in.substr(0, end + 4));
                if (replies.empty()) return ::close(fd), void();
                reply = std::move(replies.front());
                replies.pop_front();
            }
            in.erase(0, end + 4);
            bool open = send_all(fd, reply.bytes);
            for (std::size_t i = 0; open && i < reply.flood_times; ++i)
                open = send_all(fd, reply.flood);
            if (open && !reply.unsolicited.empty()) {
                std::this_thread::sleep_for(reply.unsolicited_after);
                open = send_all(fd, reply.unsolicited);
            }
            if (!open || reply.close) return ::close(fd), void();
        }
    }

    void accept_loop() {
        while (wait_readable(listen_fd)) {
            const int fd = ::accept(listen_fd, nullptr, nullptr);
            if (fd < 0) continue;
            std::lock_guard lock(mutex);
            ++connections;
            threads.emplace_back([this, fd] { serve(fd); });
        }
    }
};

scripted_server::scripted_server(std::vector<scripted_reply> replies)
    : impl_(std::make_unique<impl>()) {
    impl_->replies.assign(replies.begin(), replies.end());
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, 64) != 0) {
        throw std::runtime_error("scripted_server: cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    impl_->listen_fd = fd;
    impl_->port = ntohs(addr.sin_port);
    std::lock_guard lock(impl_->mutex);
    impl_->threads.emplace_back([i = impl_.get()] { i->accept_loop(); });
}

scripted_server::~scripted_server() {
    impl_->stopping = true;
    // The accept loop may still add a thread until it sees the flag: join it
    // first (it is the first thread), then the connections.
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

std::uint16_t scripted_server::port() const noexcept {
    return impl_->port;
}

std::string scripted_server::base_url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<std::string> scripted_server::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

std::size_t scripted_server::connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections;
}

std::string ok_response(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace asyncfetch::testing
