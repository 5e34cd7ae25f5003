// One resolver per event loop, kept as an Asio service of the loop's
// io_context: whatever runs on the loop finds it there, and it ends with the
// loop (services shut down before the loop's pending handlers are destroyed).
#include "asyncfetch/core/dns.hpp"

#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>

#include <map>

namespace asio = boost::asio;

namespace asyncfetch::dns {
namespace {

class loop_resolvers final : public asio::execution_context::service {
public:
    static inline asio::execution_context::id id;

    explicit loop_resolvers(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}

    std::shared_ptr<resolver> get(const asio::any_io_executor& ex, const dns_options& options) {
        const auto name = std::to_string(static_cast<int>(options.kind)) + '|' + options.servers +
                          '|' + options.resolv_conf + '|' +
                          std::to_string(options.max_queries_in_flight) + '|' +
                          std::to_string(options.negative_ttl.count()) + '|' +
                          std::to_string(options.min_ttl.count()) + '|' +
                          std::to_string(options.system_ttl.count()) + '|' +
                          std::to_string(options.system_threads) + '|' +
                          std::to_string(options.max_cache_entries);
        auto& slot = resolvers_[name];
        if (!slot) slot = std::make_shared<resolver>(ex, options);
        return slot;
    }

private:
    // Lookups still running end here, while the loop's machinery is whole.
    void shutdown() override { resolvers_.clear(); }

    std::map<std::string, std::shared_ptr<resolver>> resolvers_;
};

} // namespace

std::shared_ptr<resolver> loop_resolver(const asio::any_io_executor& ex,
                                        const dns_options& options) {
    auto& ctx = asio::query(ex, asio::execution::context);
    return asio::use_service<loop_resolvers>(ctx).get(ex, options);
}

} // namespace asyncfetch::dns
