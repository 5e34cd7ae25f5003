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

// The most of a body --body copies into the record.
inline constexpr std::size_t max_record_body = 64 * 1024;

// Adds what --save, --body and --record-headers kept to a fetch's record:
// "file" and "sha256"; "body" (UTF-8 text as is, anything else base64, with
// "body_encoding" saying which, cut at max_record_body with "body_truncated");
// "headers" {name: value}.
void add_kept_fields(record& r, const fetch_result& res, bool with_body);

} // namespace asyncfetch::http
