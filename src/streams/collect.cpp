#include "asyncfetch/streams/job.hpp"

#include "calls.hpp"

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
    for (;;) {
        auto read = args("XREAD", "COUNT", "1000", "BLOCK", "1000", "STREAMS", k.results, last);
        auto r = must(co_await command_with_retry(c, read, say), k.results);
        for (auto& stream : r.elements) {
            if (stream.elements.size() != 2) continue;
            for (auto& e : stream.elements[1].elements) {
                if (e.elements.size() != 2) continue;
                last = std::move(e.elements[0].str);
                // Fields: id, data (the line as written) and, when it failed, failed=1.
                std::optional<std::uint64_t> id;
                const std::string* line = nullptr;
                bool failed = false;
                const auto& fields = e.elements[1].elements;
                for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
                    const auto& field = fields[i].str;
                    const auto& value = fields[i + 1].str;
                    if (field == "id") {
                        std::uint64_t n = 0;
                        const auto [end, ec] =
                            std::from_chars(value.data(), value.data() + value.size(), n);
                        if (ec == std::errc{} && end == value.data() + value.size()) id = n;
                    } else if (field == "data") {
                        line = &value;
                    } else if (field == "failed") {
                        failed = value == "1";
                    }
                }
                if (!id || !line || !seen.insert(*id)) continue;
                emit(*line, failed);
            }
        }
        if (follow) continue;
        const auto total = co_await enqueued_total(c, k, name, say);
        if (total && seen.size() >= static_cast<std::uint64_t>(*total)) {
            if (*total == 0) say("job '" + name + "' has no targets");
            co_return seen.size();
        }
    }
}

} // namespace asyncfetch::streams
