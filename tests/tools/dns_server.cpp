#include "tools/dns_server.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <sys/socket.h>

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace asyncfetch::testing {
namespace {

constexpr std::uint16_t type_a = 1, type_cname = 5, type_aaaa = 28;

void put16(std::string& out, unsigned v) {
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>(v & 0xff);
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, v >> 16);
    put16(out, v & 0xffff);
}

std::string encode_name(const std::string& name) {
    std::string out;
    std::size_t start = 0;
    while (start < name.size()) {
        auto dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        out += static_cast<char>(dot - start);
        out += name.substr(start, dot - start);
        start = dot + 1;
    }
    out += '\0';
    return out;
}

void put_record(std::string& out, const std::string& owner, std::uint16_t type, std::uint32_t ttl,
                const std::string& rdata) {
    out += encode_name(owner);
    put16(out, type);
    put16(out, 1); // class IN
    put32(out, ttl);
    put16(out, static_cast<unsigned>(rdata.size()));
    out += rdata;
}

// The question of a request: its name (lower case, dotted), type, and where
// the question section ends. Nothing when the request is malformed.
struct question {
    std::string name;
    std::uint16_t type = 0;
    std::size_t end = 0;
};

std::optional<question> parse_question(const std::string& req) {
    if (req.size() < 12 || req[4] != 0 || req[5] != 1) return std::nullopt;
    question q;
    std::size_t at = 12;
    while (true) {
        if (at >= req.size()) return std::nullopt;
        const auto len = static_cast<unsigned char>(req[at++]);
        if (len == 0) break;
        if (len > 63 || at + len > req.size()) return std::nullopt;
        if (!q.name.empty()) q.name += '.';
        for (std::size_t i = 0; i < len; ++i)
            q.name += static_cast<char>(std::tolower(static_cast<unsigned char>(req[at + i])));
        at += len;
    }
    if (at + 4 > req.size()) return std::nullopt;
    q.type = static_cast<std::uint16_t>((static_cast<unsigned char>(req[at]) << 8) |
                                        static_cast<unsigned char>(req[at + 1]));
    q.end = at + 4;
    return q;
}

} // namespace

struct dns_server::impl {
    impl(std::chrono::milliseconds d, const std::string& address, std::uint16_t port)
        : delay(d), udp_socket(ctx, udp::endpoint(asio::ip::make_address(address), port)),
          acceptor(ctx) {
        // Room for a burst of hundreds of questions (root may exceed rmem_max).
        const int room = 8 << 20;
        if (setsockopt(udp_socket.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &room,
                       sizeof room) != 0)
            udp_socket.set_option(asio::socket_base::receive_buffer_size(room));
        const tcp::endpoint at(udp_socket.local_endpoint().address(),
                               udp_socket.local_endpoint().port());
        acceptor.open(at.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(at);
        acceptor.listen(1024);
        asio::co_spawn(ctx, serve_udp(), asio::detached);
        asio::co_spawn(ctx, serve_tcp(), asio::detached);
        thread = std::thread([this] { ctx.run(); });
    }

    ~impl() {
        ctx.stop();
        thread.join();
    }

    // The answer to `req`, or nothing (malformed, or a name that stays silent).
    std::optional<std::string> answer(const std::string& req, bool over_udp) {
        const auto q = parse_question(req);
        if (!q) return std::nullopt;
        std::lock_guard lock(mutex);
        ++asked[q->name];
        auto found = table.find(q->name);
        dns_record::kind how =
            found == table.end() ? dns_record::kind::nxdomain : found->second.how;
        if (how == dns_record::kind::silent) return std::nullopt;
        unsigned rcode = how == dns_record::kind::nxdomain   ? 3
                         : how == dns_record::kind::servfail ? 2
                         : how == dns_record::kind::refused  ? 5
                                                             : 0;
        const bool truncate = how == dns_record::kind::truncated && over_udp;
        std::string answers;
        unsigned count = 0;
        // Follow CNAMEs (a few at most), then the addresses of the last name.
        std::string name = q->name;
        for (int hops = 0; rcode == 0 && !truncate && hops < 8 && found != table.end(); ++hops) {
            const auto& rec = found->second;
            if (!rec.cname.empty()) {
                put_record(answers, name, type_cname, rec.ttl, encode_name(rec.cname));
                ++count;
                name = rec.cname;
                found = table.find(name);
                continue;
            }
            const std::vector<std::string> none;
            const auto& addresses = q->type == type_a      ? rec.v4
                                    : q->type == type_aaaa ? rec.v6
                                                           : none;
            for (const auto& a : addresses) {
                const auto addr = asio::ip::make_address(a);
                std::string rdata;
                if (addr.is_v4()) {
                    const auto b = addr.to_v4().to_bytes();
                    rdata.assign(b.begin(), b.end());
                } else {
                    const auto b = addr.to_v6().to_bytes();
                    rdata.assign(b.begin(), b.end());
                }
                put_record(answers, name, q->type, rec.ttl, rdata);
                ++count;
            }
            break;
        }
        std::string out;
        out += req.substr(0, 2); // id
        const unsigned rd = static_cast<unsigned char>(req[2]) & 0x01;
        put16(out, 0x8000 | (truncate ? 0x0200 : 0) | (rd << 8) | 0x0080 | rcode);
        put16(out, 1);
        put16(out, count);
        put16(out, 0);
        put16(out, 0);
        out += req.substr(12, q->end - 12);
        out += answers;
        return out;
    }

    // Counts a question from arrival to answer.
    struct in_flight_count {
        explicit in_flight_count(impl& s) : s(s) {
            std::lock_guard lock(s.mutex);
            ++s.total;
            s.peak = std::max(s.peak, ++s.in_flight);
        }
        ~in_flight_count() {
            std::lock_guard lock(s.mutex);
            --s.in_flight;
        }
        impl& s;
    };

    asio::awaitable<void> wait_delay() {
        std::chrono::milliseconds d;
        {
            std::lock_guard lock(mutex);
            d = delay;
        }
        asio::steady_timer t(ctx, d);
        co_await t.async_wait(use_tuple);
    }

    asio::awaitable<void> answer_udp(std::string req, udp::endpoint from) {
        in_flight_count counted(*this);
        co_await wait_delay();
        if (auto reply = answer(req, true))
            co_await udp_socket.async_send_to(asio::buffer(*reply), from, use_tuple);
    }

    asio::awaitable<void> serve_udp() {
        std::string buf(4096, '\0');
        while (true) {
            udp::endpoint from;
            auto [ec, n] =
                co_await udp_socket.async_receive_from(asio::buffer(buf), from, use_tuple);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;
            asio::co_spawn(ctx, answer_udp(buf.substr(0, n), from), asio::detached);
        }
    }

    asio::awaitable<void> serve_connection(tcp::socket s) {
        while (true) {
            unsigned char len[2];
            auto [ec, n] = co_await asio::async_read(s, asio::buffer(len), use_tuple);
            if (ec) co_return;
            std::string req((len[0] << 8) | len[1], '\0');
            auto [ec2, n2] = co_await asio::async_read(s, asio::buffer(req), use_tuple);
            if (ec2) co_return;
            {
                std::lock_guard lock(mutex);
                ++tcp_total;
            }
            in_flight_count counted(*this);
            co_await wait_delay();
            auto reply = answer(req, false);
            if (!reply) continue;
            std::string framed;
            put16(framed, static_cast<unsigned>(reply->size()));
            framed += *reply;
            auto [ec3, n3] = co_await asio::async_write(s, asio::buffer(framed), use_tuple);
            if (ec3) co_return;
        }
    }

    asio::awaitable<void> serve_tcp() {
        while (true) {
            auto [ec, s] = co_await acceptor.async_accept(use_tuple);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;
            asio::co_spawn(ctx, serve_connection(std::move(s)), asio::detached);
        }
    }

    mutable std::mutex mutex;
    std::map<std::string, dns_record> table;
    std::map<std::string, std::uint64_t> asked;
    std::chrono::milliseconds delay;
    std::uint64_t total = 0, tcp_total = 0, in_flight = 0, peak = 0;
    asio::io_context ctx{1};
    udp::socket udp_socket;
    tcp::acceptor acceptor;
    std::thread thread;
};

dns_server::dns_server(std::chrono::milliseconds delay, const std::string& address,
                       std::uint16_t port) {
    // Any free UDP port, and TCP on the same number: that one may be taken
    // (tests run side by side), so a chosen-by-us port tries again.
    for (int attempt = 1;; ++attempt) {
        try {
            impl_ = std::make_unique<impl>(delay, address, port);
            return;
        } catch (const boost::system::system_error& e) {
            if (port != 0 || attempt == 20 || e.code() != asio::error::address_in_use) throw;
        }
    }
}
dns_server::~dns_server() = default;

void dns_server::add(const std::string& name, dns_record record) {
    std::lock_guard lock(impl_->mutex);
    impl_->table[name] = std::move(record);
}

void dns_server::set_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(impl_->mutex);
    impl_->delay = delay;
}

std::uint16_t dns_server::port() const noexcept {
    return impl_->udp_socket.local_endpoint().port();
}

std::string dns_server::address() const {
    const auto at = impl_->udp_socket.local_endpoint();
    return at.address().to_string() + ":" + std::to_string(at.port());
}

std::uint64_t dns_server::queries() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->total;
}

std::uint64_t dns_server::tcp_queries() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->tcp_total;
}

std::uint64_t dns_server::queries_for(const std::string& name) const {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->asked.find(name);
    return it == impl_->asked.end() ? 0 : it->second;
}

std::uint64_t dns_server::peak_in_flight() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->peak;
}

} // namespace asyncfetch::testing
