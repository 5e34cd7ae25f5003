#include "asyncfetch/streams/job.hpp"

#include "asyncfetch/streams/messages.hpp"

#include "calls.hpp"
#include "scripts.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <unordered_set>

namespace asio = boost::asio;

namespace asyncfetch::streams {
namespace {

// The target ids collect has written. Ids are handed out densely from 1, so
// a bit per id does (10 million ids: 1.25 MB, where a hash set takes ~400 MB);
// an id far beyond those seen so far goes to a set instead.
class id_set {
public:
    bool insert(std::uint64_t id) {
        const auto limit = std::max<std::uint64_t>(2 * bits_.size(), 1u << 20);
        if (id >= limit) {
            const bool added = sparse_.insert(id).second;
            count_ += added;
            return added;
        }
        if (id >= bits_.size()) bits_.resize(std::max<std::uint64_t>(id + 1, 2 * bits_.size()));
        if (bits_[id]) return false;
        bits_[id] = true;
        ++count_;
        return true;
    }
    std::uint64_t size() const noexcept { return count_; }

private:
    std::vector<bool> bits_;
    std::unordered_set<std::uint64_t> sparse_;
    std::uint64_t count_ = 0;
};

} // namespace

using namespace detail;

asio::awaitable<std::uint64_t> collect(connection& c, const std::string& name, bool follow,
                                       const std::function<void(std::string_view, bool)>& emit,
                                       const std::function<void(const std::string&)>& say) {
    const keys k(name);
    id_set seen;
    std::string last = "0-0";
    const auto sha = co_await load_script(c, read_results_script, say);
    for (;;) {
        // A thousand results at a time, framed in one string by the script.
        const std::vector<std::vector<std::string>> calls{
            args("EVALSHA", sha, "1", k.results, last, "1000")};
        auto replies = co_await run_script_calls(c, read_results_script, calls, say);
        const auto r = must(std::move(replies.at(0)), k.results);
        if (r.type != reply::array || r.elements.size() != 2 ||
            r.elements[0].type != reply::string || r.elements[1].type != reply::string)
            throw std::runtime_error(k.results + ": unexpected reply from the results script");
        const bool more = r.elements[0].str != last;
        last = r.elements[0].str;
        std::string_view framed = r.elements[1].str;
        for (framed_entry record; next_framed_entry(framed, record);) {
            std::uint64_t id = 0;
            const auto [end, ec] =
                std::from_chars(record.id.data(), record.id.data() + record.id.size(), id);
            if (ec != std::errc{} || end != record.id.data() + record.id.size()) continue;
            if (seen.insert(id)) emit(record.data, record.flag);
        }
        if (!follow) {
            const auto total = co_await enqueued_total(c, k, name, say);
            if (total && seen.size() >= static_cast<std::uint64_t>(*total)) {
                if (*total == 0) say("job '" + name + "' has no targets");
                co_return seen.size();
            }
        }
        if (more) continue;
        // Nothing new: wait (up to a second) for the next result to arrive.
        auto wait = args("XREAD", "COUNT", "1", "BLOCK", "1000", "STREAMS", k.results, last);
        must(co_await command_with_retry(c, wait, say), k.results);
    }
}

} // namespace asyncfetch::streams
