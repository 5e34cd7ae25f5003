// Cron expressions from configs: parsed, and when valid, the next few fire
// times in UTC and in a local zone with DST changes, each after the last.
#include "asyncfetch/schedule/cron.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace asyncfetch::schedule;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setenv("TZ", "America/New_York", 1); // local time with DST gaps and repeats
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = cron_expr::parse(text);
    if (!parsed) return 0;
    if (!cron_expr::parse(parsed->text())) std::abort();
    for (const auto zone : {time_zone::utc, time_zone::local}) {
        // 2026-03-08T06:59:00Z: a minute before New York springs forward
        sys_seconds t{std::chrono::seconds(1772953140)};
        for (int i = 0; i < 3; ++i) {
            const auto next = parsed->next_after(t, zone);
            if (!next) break;
            if (*next <= t) std::abort();
            (void)format_time(*next, zone);
            t = *next;
        }
    }
    return 0;
}
