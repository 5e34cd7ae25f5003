// The system backend: getaddrinfo (every NSS source: files, DNS, mDNS, LDAP)
// on a small thread pool, its answers posted back to the loop. getaddrinfo
// blocks, so it never runs on the loop's thread; several run at once.
#include "dns_backend.hpp"

#include "asyncfetch/core/error.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <netdb.h>
#include <netinet/in.h>

#include <cstring>

namespace asio = boost::asio;
using boost::system::error_code;

namespace asyncfetch::dns::detail {
namespace {

error_code from_gai(int status) {
    switch (status) {
    case EAI_NONAME:
        return make_error_code(errc::no_such_host);
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
    case EAI_ADDRFAMILY:
        return make_error_code(errc::no_address);
    case EAI_AGAIN: // SERVFAIL or no answer: glibc does not tell which
    case EAI_FAIL:
        return make_error_code(errc::server_failure);
    case EAI_SYSTEM:
        return {errno, boost::system::system_category()};
    default:
        return make_error_code(errc::lookup_failed);
    }
}

answer lookup(const std::string& name, family wanted, std::chrono::seconds ttl) {
    addrinfo hints{};
    hints.ai_family = wanted == family::v4 ? AF_INET : wanted == family::v6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    answer out;
    if (const int status = getaddrinfo(name.c_str(), nullptr, &hints, &found); status != 0) {
        out.ec = from_gai(status);
        return out;
    }
    for (auto* n = found; n; n = n->ai_next) {
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
        }
    }
    freeaddrinfo(found);
    if (out.addresses.empty()) out.ec = make_error_code(errc::no_address);
    out.ttl = ttl; // getaddrinfo does not report one
    return out;
}

class system_backend final : public backend {
public:
    system_backend(asio::any_io_executor ex, const dns_options& options)
        : ex_(std::move(ex)), pool_(std::max<std::size_t>(options.system_threads, 1)),
          ttl_(options.system_ttl) {}

    ~system_backend() override {
        // Lookups not started are dropped; running ones finish (getaddrinfo
        // cannot be interrupted) and their answers are discarded.
        *alive_ = false;
        pool_.stop();
        pool_.join();
    }

    void start(const std::string& name, family wanted, answer_handler done) override {
        asio::post(pool_, [ex = ex_, name, wanted, ttl = ttl_, alive = alive_,
                           done = std::move(done)]() mutable {
            auto result = lookup(name, wanted, ttl);
            asio::post(ex, [alive, done = std::move(done), result = std::move(result)]() mutable {
                if (*alive) done(std::move(result));
            });
        });
    }

    // A running getaddrinfo cannot be stopped; its answer still fills the cache.
    void cancel_all() override {}

private:
    asio::any_io_executor ex_;
    asio::thread_pool pool_;
    std::chrono::seconds ttl_;
    // Read and written on the loop's thread only.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace

std::unique_ptr<backend> make_system_backend(asio::any_io_executor ex, const dns_options& options) {
    return std::make_unique<system_backend>(std::move(ex), options);
}

} // namespace asyncfetch::dns::detail
