#include "asyncfetch/http/retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace asyncfetch::http {
namespace {

bool retryable(const attempt_outcome& o) {
    if (o.ec) return o.connect_failed;
    return o.status == 429 || (o.status >= 500 && o.status <= 599);
}

} // namespace

std::optional<duration> retry_delay(const retry_policy& policy, int attempts,
                                    const attempt_outcome& outcome, double jitter) {
    if (attempts > policy.retries || !retryable(outcome)) return std::nullopt;
    if (outcome.retry_after) return std::min(*outcome.retry_after, policy.max_delay);
    // base * 2^(attempts-1), then "equal jitter": half fixed, half random.
    const int shift = std::min(attempts - 1, 20);
    const auto backoff = std::min<duration>(policy.base_delay * (1LL << shift), policy.max_delay);
    const auto half = backoff / 2;
    return half + std::chrono::duration_cast<duration>(half * std::clamp(jitter, 0.0, 1.0));
}

std::optional<duration> parse_retry_after(std::string_view value,
                                          std::chrono::system_clock::time_point now) {
    while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ')
        value.remove_suffix(1);
    if (value.empty()) return std::nullopt;

    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size()) {
        if (seconds < 0) return std::nullopt;
        return std::chrono::seconds(seconds);
    }

    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm{};
    std::istringstream in{std::string(value)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S GMT");
    if (in.fail()) return std::nullopt;
    const auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    if (when <= now) return duration::zero();
    return std::chrono::duration_cast<duration>(when - now);
}

} // namespace asyncfetch::http
