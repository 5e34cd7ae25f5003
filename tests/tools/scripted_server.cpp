#include "tools/scripted_server.hpp"
#include "tools/listeners.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
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
    SSL_CTX* tls = nullptr; // set: connections speak TLS

    // One accepted connection, plain or TLS (blocking I/O on its thread).
    struct peer {
        int fd;
        SSL* ssl = nullptr;
        long read(char* out, std::size_t n) const {
            if (!ssl) return ::recv(fd, out, n, 0);
            return SSL_read(ssl, out, static_cast<int>(n));
        }
        long write(const char* in, std::size_t n) const {
            if (!ssl) return ::send(fd, in, n, MSG_NOSIGNAL);
            return SSL_write(ssl, in, static_cast<int>(n));
        }
        void close() const {
            if (ssl) SSL_free(ssl);
            ::close(fd);
        }
    };

    // Waits until `fd` is readable, 50 ms at a time; false when stopping.
    bool wait_readable(int fd, SSL* ssl = nullptr) const {
        while (!stopping) {
            if (ssl && SSL_pending(ssl) > 0) return true;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) return true;
        }
        return false;
    }

    bool send_all(const peer& to, const std::string& bytes) const {
        std::size_t sent = 0;
        while (sent < bytes.size() && !stopping) {
            const auto n = to.write(bytes.data() + sent, bytes.size() - sent);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return sent == bytes.size();
    }

    // One connection: read a request head, send the next reply, repeat.
    void serve(int fd) {
        peer p{fd};
        if (tls) {
            p.ssl = SSL_new(tls);
            SSL_set_fd(p.ssl, fd);
            if (SSL_accept(p.ssl) != 1) return p.close();
        }
        std::string in;
        char chunk[4096];
        for (;;) {
            std::size_t end;
            while ((end = in.find("\r\n\r\n")) == std::string::npos) {
                if (!wait_readable(fd, p.ssl)) return p.close();
                const auto n = p.read(chunk, sizeof chunk);
                if (n <= 0) return p.close();
                in.append(chunk, static_cast<std::size_t>(n));
            }
            scripted_reply reply;
            {
                std::lock_guard lock(mutex);
                requests.push_back(in.substr(0, end + 4));
                if (replies.empty()) return p.close();
                reply = std::move(replies.front());
                replies.pop_front();
            }
            in.erase(0, end + 4);
            bool open = send_all(p, reply.bytes);
            for (std::size_t i = 0; open && i < reply.flood_times; ++i)
                open = send_all(p, reply.flood);
            if (open && !reply.unsolicited.empty()) {
                std::this_thread::sleep_for(reply.unsolicited_after);
                open = send_all(p, reply.unsolicited);
            }
            if (!open || reply.close) return p.close();
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

scripted_server::scripted_server(std::vector<scripted_reply> replies, const std::string& cert_file,
                                 const std::string& key_file)
    : impl_(std::make_unique<impl>()) {
    impl_->replies.assign(replies.begin(), replies.end());
    if (!cert_file.empty()) {
        // SSL_write cannot pass MSG_NOSIGNAL: a client that hangs up must not
        // kill the test process.
        std::signal(SIGPIPE, SIG_IGN);
        impl_->tls = SSL_CTX_new(TLS_server_method());
        if (SSL_CTX_use_certificate_chain_file(impl_->tls, cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(impl_->tls, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
            throw std::runtime_error("scripted_server: cannot load " + cert_file);
    }
    impl_->listen_fd = listen_on_loopback(64, impl_->port);
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
    if (impl_->tls) SSL_CTX_free(impl_->tls);
}

std::uint16_t scripted_server::port() const noexcept {
    return impl_->port;
}

std::string scripted_server::base_url() const {
    if (impl_->tls) return "https://localhost:" + std::to_string(impl_->port);
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
