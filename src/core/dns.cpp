// The resolver above its backend: the TTL cache, one query per name however
// many ask, the in-flight limit, the timeout counted from when the query was
// sent, and `localhost` as RFC 6761 wants it.
#include "asyncfetch/core/dns.hpp"

#include "asyncfetch/core/error.hpp"
#include "asyncfetch/core/event.hpp"
#include "asyncfetch/core/limiter.hpp"
#include "dns_backend.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <unordered_map>

namespace asio = boost::asio;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

namespace asyncfetch::dns {
namespace {

// One lookup, shared by everyone who asked for the name while it ran.
struct query {
    explicit query(const asio::any_io_executor& ex) : changed(ex) {}
    bool sent = false, done = false;
    clock_type::time_point sent_at;
    detail::answer result;
    limiter::permit permit;
    std::size_t waiters = 0; // callers waiting for it now
    event changed;           // notified on every change

    void notify() { changed.notify(); }
};

struct cached {
    clock_type::time_point expires;
    error_code ec;
    std::vector<asio::ip::address> addresses;
};

bool is_localhost(const std::string& name) {
    return name == "localhost" || name == "localhost." || name.ends_with(".localhost") ||
           name.ends_with(".localhost.");
}

// RFC 6761: localhost names are the loopback addresses, whatever DNS says.
detail::answer loopback(family wanted) {
    detail::answer out;
    if (wanted != family::v4) out.addresses.push_back(asio::ip::address_v6::loopback());
    if (wanted != family::v6) out.addresses.push_back(asio::ip::address_v4::loopback());
    return out;
}

std::string lowercase(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

} // namespace

struct resolver::impl {
    impl(const asio::any_io_executor& executor, dns_options opts)
        : ex(executor), options(std::move(opts)), slots(executor, options.max_queries_in_flight),
          lookups(options.kind == resolver_kind::system
                      ? detail::make_system_backend(executor, options)
                      : detail::make_cares_backend(executor, options)) {}

    // Ends every lookup: the backend goes first (its handlers still reach
    // this), then whatever has not finished is told it was cancelled.
    void shutdown() {
        closed = true;
        lookups.reset();
        auto left = std::move(pending);
        for (auto& [key, q] : left)
            finish(key, q, detail::answer{asio::error::operation_aborted, {}, {}});
    }

    // Sends the query once a slot is free.
    static asio::awaitable<void> send(std::shared_ptr<impl> self, std::string name, family wanted,
                                      std::string key, std::shared_ptr<query> q) {
        auto permit = co_await self->slots.acquire();
        if (self->closed || q->done) co_return;
        if (q->waiters == 0) { // everyone who asked gave up while it waited in line
            self->finish(key, q, detail::answer{asio::error::operation_aborted, {}, {}});
            co_return;
        }
        q->permit = std::move(permit);
        q->sent = true;
        q->sent_at = clock_type::now();
        ++self->stats.lookups;
        self->stats.peak_in_flight = std::max(self->stats.peak_in_flight, ++self->stats.in_flight);
        q->notify();
        self->lookups->start(name, wanted, [self = self.get(), name, wanted, key, q](auto a) {
            if (a.ec && a.ec != asio::error::operation_aborted && is_localhost(name))
                a = loopback(wanted);
            self->finish(key, q, std::move(a));
        });
    }

    void finish(const std::string& key, const std::shared_ptr<query>& q, detail::answer a) {
        if (q->done) return;
        if (q->sent) --stats.in_flight;
        q->done = true;
        q->result = std::move(a);
        q->permit.reset();
        if (auto it = pending.find(key); it != pending.end() && it->second == q) pending.erase(it);
        remember(key, q->result);
        q->notify();
    }

    // A caller stopped waiting for `q`. Once nobody waits for any lookup
    // that was sent, they are all stopped (c-ares cannot stop just one), so
    // abandoned lookups neither hold slots nor keep the event loop running
    // until the DNS timeouts of resolv.conf expire.
    void left(const std::shared_ptr<query>& q) {
        if (--q->waiters > 0 || q->done || !lookups) return;
        for (const auto& [key, other] : pending)
            if (other->sent && !other->done && other->waiters > 0) return;
        lookups->cancel_all();
    }

    void remember(const std::string& key, const detail::answer& a) {
        clock_type::duration keep{};
        if (!a.ec)
            keep = std::max<clock_type::duration>(a.ttl, options.min_ttl);
        else if (a.ec == errc::no_such_host || a.ec == errc::no_address)
            keep = options.negative_ttl;
        else
            return; // failures of the server or the network are not remembered
        const auto now = clock_type::now();
        if (cache.size() >= options.max_cache_entries)
            std::erase_if(cache, [&](const auto& e) { return e.second.expires <= now; });
        if (cache.size() >= options.max_cache_entries) cache.clear();
        cache[key] = cached{now + keep, a.ec, a.addresses};
    }

    asio::any_io_executor ex;
    dns_options options;
    limiter slots;
    std::unique_ptr<detail::backend> lookups;
    std::unordered_map<std::string, std::shared_ptr<query>> pending;
    std::unordered_map<std::string, cached> cache;
    resolver_stats stats;
    bool closed = false;
};

resolver::resolver(asio::any_io_executor ex, dns_options options)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(options))) {}

resolver::~resolver() {
    impl_->shutdown();
}

const resolver_stats& resolver::stats() const noexcept {
    return impl_->stats;
}

asio::awaitable<resolve_result> resolver::resolve(std::string host, family wanted,
                                                  clock_type::duration timeout) {
    auto self = impl_; // alive while we wait, even if the resolver goes
    const auto joined = clock_type::now();
    // An IP literal is its own answer.
    error_code literal_ec;
    const auto literal = asio::ip::make_address(host, literal_ec);
    if (!literal_ec) {
        if ((wanted == family::v4 && !literal.is_v4()) ||
            (wanted == family::v6 && !literal.is_v6()))
            co_return resolve_result{make_error_code(errc::no_address), {}};
        co_return resolve_result{{}, {literal}};
    }
    if (host.empty() || host.size() > 254)
        co_return resolve_result{make_error_code(errc::bad_name), {}};
    if (self->closed) throw boost::system::system_error(asio::error::operation_aborted);

    // Answered before, and still fresh.
    const std::string key = lowercase(host) + (wanted == family::v4   ? "/4"
                                               : wanted == family::v6 ? "/6"
                                                                      : "/*");
    if (auto it = self->cache.find(key); it != self->cache.end()) {
        if (it->second.expires > joined) {
            ++self->stats.cache_hits;
            co_return resolve_result{it->second.ec, it->second.addresses};
        }
        self->cache.erase(it);
    }

    // Join the lookup under way, or start one.
    auto& slot = self->pending[key];
    const bool queried = !slot;
    if (slot) {
        ++self->stats.shared;
    } else {
        slot = std::make_shared<query>(self->ex);
        asio::co_spawn(self->ex, impl::send(self, host, wanted, key, slot), asio::detached);
    }
    const auto q = slot; // the map may rehash while we wait
    ++q->waiters;
    struct leaving {
        impl& self;
        std::shared_ptr<query> q;
        ~leaving() { self.left(q); }
    } guard{*self, q};

    // Waiting in line for a slot is not part of the timeout.
    while (!q->sent && !q->done)
        co_await q->changed.wait();
    const auto deadline = std::max(q->sent_at, joined) + timeout;
    while (!q->done) {
        const auto left = deadline - clock_type::now();
        if (left <= clock_type::duration::zero()) break;
        if (!co_await q->changed.wait_for(left)) break;
    }
    if (!q->done)
        co_return resolve_result{
            asyncfetch::make_error_code(asyncfetch::errc::resolve_timeout), {}, queried};
    if (q->result.ec == asio::error::operation_aborted)
        throw boost::system::system_error(asio::error::operation_aborted);
    co_return resolve_result{q->result.ec, q->result.addresses, queried};
}

} // namespace asyncfetch::dns
