// The c-ares backend: one ares channel driven by the io_context. c-ares says
// through its socket-state callback which sockets to watch and in which
// direction; Asio waits on them and hands readiness back to ares_process_fd.
// c-ares' own retransmit and timeout clock runs on one steady_timer.
#include "dns_backend.hpp"

#include "asyncfetch/core/error.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <ares.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <mutex>
#include <unordered_map>

namespace asio = boost::asio;
using boost::system::error_code;

namespace asyncfetch::dns::detail {
namespace {

error_code from_ares(int status) {
    switch (status) {
    case ARES_ENOTFOUND:
        return make_error_code(errc::no_such_host);
    case ARES_ENODATA:
        return make_error_code(errc::no_address);
    case ARES_ESERVFAIL:
        return make_error_code(errc::server_failure);
    case ARES_EREFUSED:
        return make_error_code(errc::refused);
    case ARES_ECONNREFUSED:
        return make_error_code(errc::server_unreachable);
    case ARES_EBADRESP:
    case ARES_EFORMERR:
        return make_error_code(errc::bad_answer);
    case ARES_EBADNAME:
        return make_error_code(errc::bad_name);
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        return asio::error::operation_aborted;
    case ARES_ETIMEOUT: // every try of every server went unanswered
        return asyncfetch::make_error_code(asyncfetch::errc::resolve_timeout);
    default:
        return make_error_code(errc::lookup_failed);
    }
}

answer to_answer(int status, const ares_addrinfo* info) {
    answer out;
    if (status != ARES_SUCCESS) {
        out.ec = from_ares(status);
        return out;
    }
    int ttl = -1;
    for (auto* c = info->cnames; c; c = c->next)
        ttl = ttl < 0 ? c->ttl : std::min(ttl, c->ttl);
    for (auto* n = info->nodes; n; n = n->ai_next) {
        if (n->ai_family == AF_INET) {
            const auto* sa = reinterpret_cast<const sockaddr_in*>(n->ai_addr);
            asio::ip::address_v4::bytes_type b;
            std::memcpy(b.data(), &sa->sin_addr, b.size());
            out.addresses.emplace_back(asio::ip::address_v4(b));
        } else if (n->ai_family == AF_INET6) {
            const auto* sa = reinterpret_cast<const sockaddr_in6*>(n->ai_addr);
            asio::ip::address_v6::bytes_type b;
            std::memcpy(b.data(), &sa->sin6_addr, b.size());
            out.addresses.emplace_back(asio::ip::address_v6(b, sa->sin6_scope_id));
        } else {
            continue;
        }
        ttl = ttl < 0 ? n->ai_ttl : std::min(ttl, n->ai_ttl);
    }
    if (out.addresses.empty()) out.ec = make_error_code(errc::no_address);
    out.ttl = std::chrono::seconds(std::max(ttl, 0));
    return out;
}

// One socket c-ares asked us to watch.
struct watch {
    watch(const asio::any_io_executor& ex, int socket) : fd(socket), descriptor(ex, socket) {}
    int fd;
    asio::posix::stream_descriptor descriptor; // never closes the fd: c-ares does
    bool want_read = false, want_write = false;
    bool reading = false, writing = false; // a wait is pending
    bool closed = false;
};

class cares_backend final : public backend {
public:
    // The channel is opened at the first lookup: reading resolv.conf and
    // /etc/hosts (~120,000 instructions) is start-up cost that a run of IP
    // addresses never needs.
    cares_backend(asio::any_io_executor ex, const dns_options& options)
        : ex_(ex), options_(options), timer_(ex) {}

    ~cares_backend() override {
        // Pending lookups end with ARES_EDESTRUCTION here (their handlers run).
        if (channel_) ares_destroy(channel_);
        for (auto& [fd, w] : watches_)
            forget(*w);
        timer_.cancel();
    }

    void start(const std::string& name, family wanted, answer_handler done) override {
        if (!opened_) open_channel();
        if (init_error_) {
            done(answer{init_error_, {}, {}});
            return;
        }
        ares_addrinfo_hints hints{};
        hints.ai_family = wanted == family::v4   ? AF_INET
                          : wanted == family::v6 ? AF_INET6
                                                 : AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        auto* pending = new answer_handler(std::move(done));
        ares_getaddrinfo(channel_, name.c_str(), nullptr, &hints, &cares_backend::on_answer,
                         pending);
        settle();
    }

    void cancel_all() override {
        if (!channel_) return;
        ares_cancel(channel_); // each pending lookup ends with ARES_ECANCELLED
        settle();
    }

private:
    void open_channel() {
        opened_ = true;
        static std::once_flag library;
        std::call_once(library, [] { ares_library_init(ARES_LIB_INIT_ALL); });
        // c-ares hides SERVFAIL and REFUSED behind "connection refused" once
        // every server said so; with one server there is no other to ask, so
        // its answer is passed through and reported as what it is.
        if (open(options_, 0) && server_count() == 1) {
            ares_destroy(channel_);
            open(options_, ARES_FLAG_NOCHECKRESP);
        }
    }

    // The channel reads resolv.conf (servers, search, ndots, timeout,
    // attempts) and /etc/hosts as the system does; --dns-servers replaces the
    // servers.
    bool open(const dns_options& options, int flags) {
        ares_options opts{};
        int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS | ARES_OPT_SOCK_RCVBUF;
        opts.flags = flags;
        // Hundreds of answers arrive at once on one UDP socket: the default
        // buffer drops some, and c-ares retries only after its timeout (5 s).
        opts.socket_receive_buffer_size = 1 << 20;
        opts.sock_state_cb = &cares_backend::on_socket_state;
        opts.sock_state_cb_data = this;
        if (!options.resolv_conf.empty()) {
            mask |= ARES_OPT_RESOLVCONF;
            opts.resolvconf_path = const_cast<char*>(options.resolv_conf.c_str());
        }
        if (const int status = ares_init_options(&channel_, &opts, mask); status != ARES_SUCCESS) {
            init_error_ = from_ares(status);
            channel_ = nullptr;
            return false;
        }
        if (!options.servers.empty() &&
            ares_set_servers_ports_csv(channel_, options.servers.c_str()) != ARES_SUCCESS) {
            init_error_ = make_error_code(errc::bad_name);
            return false;
        }
        return true;
    }

    int server_count() const {
        ares_addr_port_node* servers = nullptr;
        if (ares_get_servers_ports(channel_, &servers) != ARES_SUCCESS) return 0;
        int n = 0;
        for (auto* s = servers; s; s = s->next)
            ++n;
        ares_free_data(servers);
        return n;
    }

    static void on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* info) {
        std::unique_ptr<answer_handler> done(static_cast<answer_handler*>(arg));
        auto result = to_answer(status, info);
        if (info) ares_freeaddrinfo(info);
        (*done)(std::move(result));
    }

    static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
        auto& self = *static_cast<cares_backend*>(data);
        auto found = self.watches_.find(fd);
        if (!readable && !writable) { // c-ares is about to close it
            if (found != self.watches_.end()) {
                self.forget(*found->second);
                self.watches_.erase(found);
            }
            return;
        }
        if (found == self.watches_.end())
            found = self.watches_.emplace(fd, std::make_shared<watch>(self.ex_, fd)).first;
        auto w = found->second;
        w->want_read = readable;
        w->want_write = writable;
        self.arm(w);
    }

    void forget(watch& w) {
        w.closed = true;
        w.descriptor.release(); // cancels the waits; the fd stays c-ares'
    }

    // True while c-ares has queries out.
    bool busy() const {
        timeval tv{};
        return channel_ && ares_timeout(channel_, nullptr, &tv) != nullptr;
    }

    // Waits on c-ares' sockets and its clock only while it has queries out:
    // an idle resolver must not keep the event loop running (c-ares keeps
    // its sockets open between queries).
    void settle() {
        if (!busy()) {
            for (auto& [fd, w] : watches_)
                w->descriptor.cancel();
            timer_.cancel();
            return;
        }
        for (auto& [fd, w] : watches_)
            arm(w);
        arm_timer();
    }

    void arm(const std::shared_ptr<watch>& w) {
        if (!busy()) return;
        if (w->want_read && !w->reading) {
            w->reading = true;
            w->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                     [this, w](error_code ec) {
                                         w->reading = false;
                                         if (w->closed) return;
                                         if (!ec) ares_process_fd(channel_, w->fd, ARES_SOCKET_BAD);
                                         settle();
                                     });
        }
        if (w->want_write && !w->writing) {
            w->writing = true;
            w->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                                     [this, w](error_code ec) {
                                         w->writing = false;
                                         if (w->closed) return;
                                         if (!ec) ares_process_fd(channel_, ARES_SOCKET_BAD, w->fd);
                                         settle();
                                     });
        }
    }

    // c-ares' next deadline (a retransmit or a timeout) on the Asio timer.
    void arm_timer() {
        timeval tv{};
        if (!ares_timeout(channel_, nullptr, &tv)) {
            timer_.cancel();
            return;
        }
        timer_.expires_after(std::chrono::seconds(tv.tv_sec) +
                             std::chrono::microseconds(tv.tv_usec));
        timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](error_code ec) {
            if (ec || alive.expired()) return;
            ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            settle();
        });
    }

    asio::any_io_executor ex_;
    dns_options options_;
    bool opened_ = false;
    ares_channel channel_ = nullptr;
    error_code init_error_;
    asio::steady_timer timer_;
    std::unordered_map<int, std::shared_ptr<watch>> watches_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace

std::unique_ptr<backend> make_cares_backend(asio::any_io_executor ex, const dns_options& options) {
    return std::make_unique<cares_backend>(std::move(ex), options);
}

} // namespace asyncfetch::dns::detail
