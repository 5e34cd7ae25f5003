#include "asyncfetch/http/fetch_record.hpp"

#include <cmath>

namespace asyncfetch::http {

using json = nlohmann::ordered_json;

record fetch_record(const std::string& url, const fetch_result* res, std::string error,
                    outcome result, double elapsed_ms) {
    record r;
    r.result = result;
    r.error = std::move(error);
    r.elapsed_ms = elapsed_ms;
    r.bytes = res ? res->bytes : 0;
    r.queued_ms = res ? res->queued_ms : 0;
    r.in_flight_at_start = res ? res->in_flight_at_start : 0;
    auto& f = r.fields;
    f["url"] = url;
    f["final_url"] = res ? json(res->final_url) : json(nullptr);
    f["status"] = res && res->status ? json(res->status) : json(nullptr);
    f["bytes"] = r.bytes;
    f["start_ms"] = nullptr; // set by the runner: ms from the run's start
    f["elapsed_ms"] = std::round(elapsed_ms * 1000) / 1000;
    f["attempts"] = res ? res->attempts : 0;
    f["error"] = r.error.empty() ? json(nullptr) : json(r.error);
    return r;
}

} // namespace asyncfetch::http
