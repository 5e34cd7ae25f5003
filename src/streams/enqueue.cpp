#include "asyncfetch/streams/job.hpp"
#include "asyncfetch/streams/messages.hpp"

#include "calls.hpp"
#include "scripts.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>

namespace asio = boost::asio;

namespace asyncfetch::streams {

using namespace detail;

asio::awaitable<std::uint64_t> enqueue(connection& c, const std::string& name,
                                       const std::vector<std::string>& targets, bool crawl) {
    std::size_t i = 0;
    const target_puller next = [&]() -> std::optional<std::string> {
        if (i == targets.size()) return std::nullopt;
        return targets[i++];
    };
    const auto added = co_await enqueue(c, name, next, crawl);
    co_return added.first;
}

asio::awaitable<enqueued> enqueue(connection& c, const std::string& name, const target_puller& next,
                                  bool crawl) {
    const keys k(name);
    // (Each command is built in a statement of its own: GCC 12 rejects string
    // literals passed by reference in an expression that also awaits.)
    auto create = args("XGROUP", "CREATE", k.targets, consumer_group, "0", "MKSTREAM");
    const auto created = co_await c.command(std::move(create));
    if (created.is_error() && created.str.rfind("BUSYGROUP", 0) != 0)
        must(created, "XGROUP CREATE " + k.targets);
    // A script call adds a thousand targets: one command and one reply for
    // them all, not one each.
    auto load = args("SCRIPT", "LOAD", add_targets_script);
    const auto sha = must(co_await c.command(std::move(load)), "SCRIPT LOAD").str;
    // Read a batch at a time, so a list of any length is enqueued in fixed
    // memory; each batch reserves its ids (two enqueues at once interleave
    // by batches, each batch's ids in a row).
    constexpr std::size_t chunk = 1000;
    enqueued out;
    std::vector<std::string> batch;
    batch.reserve(chunk);
    for (bool more = true; more;) {
        batch.clear();
        while (batch.size() < chunk)
            if (auto t = next())
                batch.push_back(std::move(*t));
            else {
                more = false;
                break;
            }
        if (batch.empty()) break;
        const auto n = static_cast<long long>(batch.size());
        auto reserve = args("INCRBY", k.next_id, std::to_string(n));
        const auto last = number_of(must(co_await c.command(std::move(reserve)), k.next_id));
        const auto first = static_cast<std::uint64_t>(last - n + 1);
        auto call = args("EVALSHA", sha, "2", k.targets, k.seen, crawl ? "1" : "0");
        for (std::size_t j = 0; j < batch.size(); ++j) {
            call.push_back(make_target_message(first + j, batch[j]));
            if (crawl) call.push_back(std::move(batch[j]));
        }
        must(co_await c.command(std::move(call)), k.targets);
        if (out.count == 0) out.first = first;
        out.last = static_cast<std::uint64_t>(last);
        out.count += batch.size();
    }
    // Counted once all are in, as before: a worker waiting for every record
    // (--until-done) never takes a partial list for the whole.
    auto count = args("INCRBY", k.total, std::to_string(out.count));
    must(co_await c.command(std::move(count)), k.total);
    co_return out;
}

} // namespace asyncfetch::streams
