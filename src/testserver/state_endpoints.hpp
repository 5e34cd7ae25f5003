// The test server's endpoints for what a client keeps between requests:
// cookies (/set-cookie) and validators (/cached, /touch). Private to
// src/testserver; the state is touched on the server's thread only.
#pragma once

#include "request_endpoints.hpp"

#include <map>
#include <string>

namespace asyncfetch::testserver::detail {

extern const char* const state_endpoints_index;

struct endpoint_state {
    std::map<std::string, unsigned> versions; // /cached's resources by key, changed by /touch
};

// Answers /set-cookie?c=SPEC&c=...&to=URL (each SPEC a Set-Cookie; with
// `to`, a 302 there), /cached/N?key=K[&only=etag|lm] (N bytes with an ETag
// and a Last-Modified for K's version; a matching If-None-Match, or
// If-Modified-Since without one, gets a 304) and /touch?key=K (K changes).
bool answer_state_endpoint(const request& req, const boost::urls::url_view& url,
                           endpoint_state& state, response& res);

} // namespace asyncfetch::testserver::detail
