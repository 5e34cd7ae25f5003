// What the resolver needs from a way of looking names up: start one lookup,
// get one answer back on the loop's thread. The cache, the in-flight limit and
// the timeouts live above this, shared by both backends.
#pragma once

#include "asyncfetch/core/dns.hpp"

#include <functional>

namespace asyncfetch::dns::detail {

struct answer {
    boost::system::error_code ec;
    std::vector<boost::asio::ip::address> addresses;
    std::chrono::seconds ttl{0}; // the least TTL on the way (CNAMEs included)
};

// Called once per lookup, on the loop's thread; possibly before start()
// returns (hosts file, numeric names) and, with an error, while the backend is
// destroyed. Never after that.
using answer_handler = std::function<void(answer)>;

class backend {
public:
    virtual ~backend() = default;
    virtual void start(const std::string& name, family wanted, answer_handler done) = 0;
    // Ends every lookup started (their handlers get operation_aborted) where
    // the backend can; getaddrinfo cannot be interrupted.
    virtual void cancel_all() = 0;
};

std::unique_ptr<backend> make_cares_backend(boost::asio::any_io_executor ex,
                                            const dns_options& options);
std::unique_ptr<backend> make_system_backend(boost::asio::any_io_executor ex,
                                             const dns_options& options);

} // namespace asyncfetch::dns::detail
