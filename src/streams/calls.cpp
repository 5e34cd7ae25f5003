#include "calls.hpp"

#include "asyncfetch/core/error_message.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/streams/job.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace asio = boost::asio;

namespace asyncfetch::streams {
namespace detail {

reply must(reply r, const std::string& what) {
    if (r.is_error()) throw std::runtime_error(what + ": " + r.str);
    return r;
}

long long number_of(const reply& r) {
    if (r.type == reply::integer) return r.number;
    if (r.type == reply::string) return std::stoll(r.str);
    return 0;
}

asio::awaitable<std::vector<reply>>
pipeline_with_retry(connection& c, const std::vector<std::vector<std::string>>& commands,
                    const say_fn& say) {
    auto wait = std::chrono::milliseconds(100);
    bool failing = false;
    for (;;) {
        try {
            auto replies = co_await c.pipeline(commands);
            // A Redis still loading its data after a restart refuses every
            // command with LOADING: nothing ran, so all of them go again.
            const bool loading =
                !replies.empty() && std::all_of(replies.begin(), replies.end(), [](const reply& r) {
                    return r.is_error() && r.str.rfind("LOADING", 0) == 0;
                });
            if (!loading) {
                if (failing && say) say("redis: reachable again");
                co_return replies;
            }
            if (!failing && say) say("redis: loading its data; retrying");
            failing = true;
        } catch (const boost::system::system_error& e) {
            if (e.code() == asio::error::operation_aborted ||
                e.code() == asio::error::access_denied)
                throw;
            if (!failing && say) say(error_message(e) + "; retrying");
            failing = true;
        }
        co_await sleep_for(wait);
        wait = std::min<std::chrono::milliseconds>(wait * 2, std::chrono::seconds(5));
    }
}

asio::awaitable<std::string> load_script(connection& c, const char* script, const say_fn& say) {
    auto load = args("SCRIPT", "LOAD", script);
    co_return must(co_await command_with_retry(c, load, say), "SCRIPT LOAD").str;
}

asio::awaitable<std::optional<long long>>
enqueued_total(connection& c, const keys& k, const std::string& name, const say_fn& say) {
    // (Enqueue creates the stream first and writes the total last.)
    const std::vector<std::vector<std::string>> look{args("GET", k.total),
                                                     args("EXISTS", k.targets)};
    const auto replies = co_await pipeline_with_retry(c, look, say);
    const auto& total = replies.at(0);
    const auto& exists = replies.at(1);
    // An error reply (a Redis still loading its data after a restart) tells nothing yet.
    if (total.is_error() || exists.is_error()) co_return std::nullopt;
    if (total.type != reply::nil) co_return number_of(total);
    if (number_of(exists) == 0)
        throw std::runtime_error("no job named '" + name +
                                 "' in Redis: nothing was enqueued under that name");
    co_return std::nullopt;
}

asio::awaitable<std::vector<reply>>
run_script_calls(connection& c, const char* script,
                 const std::vector<std::vector<std::string>>& calls, const say_fn& say) {
    auto replies = co_await pipeline_with_retry(c, calls, say);
    const bool forgotten = std::any_of(replies.begin(), replies.end(), [](const reply& r) {
        return r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0;
    });
    if (forgotten) {
        co_await load_script(c, script, say);
        replies = co_await pipeline_with_retry(c, calls, say);
    }
    co_return replies;
}

} // namespace detail

asio::awaitable<redis::reply>
command_with_retry(redis::connection& c, std::vector<std::string> args,
                   const std::function<void(const std::string&)>& say) {
    std::vector<std::vector<std::string>> one{std::move(args)};
    auto replies = co_await detail::pipeline_with_retry(c, one, say);
    co_return std::move(replies.front());
}

} // namespace asyncfetch::streams
