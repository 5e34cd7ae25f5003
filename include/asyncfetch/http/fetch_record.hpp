// The record of one URL fetch, as every HTTP job writes it (fetch, crawl,
// the shared job's workers).
#pragma once

#include "asyncfetch/core/target.hpp"
#include "asyncfetch/http/client.hpp"

#include <string>

namespace asyncfetch::http {

// The JSON line for one URL: {"url","final_url","status","bytes","elapsed_ms","attempts","error"}.
record fetch_record(const std::string& url, const fetch_result* res, std::string error,
                    outcome result, double elapsed_ms);

} // namespace asyncfetch::http
