#include "asyncfetch/streams/job.hpp"
#include "asyncfetch/streams/messages.hpp"

#include "calls.hpp"
#include "scripts.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace asio = boost::asio;

namespace asyncfetch::streams {

using namespace detail;

asio::awaitable<std::uint64_t> enqueue(connection& c, const std::string& name,
                                       const std::vector<std::string>& targets, bool crawl) {
    const keys k(name);
    // (Each command is built in a statement of its own: GCC 12 rejects string
    // literals passed by reference in an expression that also awaits.)
    auto create = args("XGROUP", "CREATE", k.targets, consumer_group, "0", "MKSTREAM");
    const auto created = co_await c.command(std::move(create));
    if (created.is_error() && created.str.rfind("BUSYGROUP", 0) != 0)
        must(created, "XGROUP CREATE " + k.targets);
    const auto n = static_cast<long long>(targets.size());
    auto reserve = args("INCRBY", k.next_id, std::to_string(n));
    const auto last = number_of(must(co_await c.command(std::move(reserve)), k.next_id));
    const auto first = static_cast<std::uint64_t>(last - n + 1);
    // A script call adds a thousand targets: one command and one reply for
    // them all, not one each.
    auto load = args("SCRIPT", "LOAD", add_targets_script);
    const auto sha = must(co_await c.command(std::move(load)), "SCRIPT LOAD").str;
    constexpr std::size_t chunk = 1000;
    for (std::size_t i = 0; i < targets.size(); i += chunk) {
        auto call = args("EVALSHA", sha, "2", k.targets, k.seen, crawl ? "1" : "0");
        for (std::size_t j = i; j < std::min(targets.size(), i + chunk); ++j) {
            call.push_back(make_target_message(first + j, targets[j]));
            if (crawl) call.push_back(targets[j]);
        }
        must(co_await c.command(std::move(call)), k.targets);
    }
    auto count = args("INCRBY", k.total, std::to_string(n));
    must(co_await c.command(std::move(count)), k.total);
    co_return first;
}

} // namespace asyncfetch::streams
