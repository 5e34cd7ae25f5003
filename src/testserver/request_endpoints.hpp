// The test server's endpoints for requests with methods and bodies, for
// redirects of each kind and for ranges. Private to src/testserver.
#pragma once

#include <boost/beast/http.hpp>
#include <boost/url/url_view.hpp>

#include <cstdint>
#include <string>

namespace asyncfetch::testserver::detail {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

// Text of the endpoints these answer, for the index.
extern const char* const request_endpoints_index;

// Answers `req` when its first path segment is one of these endpoints
// (/echo, /redirect-code/N, /bytes/N with Range); false otherwise.
bool answer_request_endpoint(const request& req, const boost::urls::url_view& url, response& res);

// N bytes of the test server's text (a..z repeated).
std::string text_of_size(std::uint64_t n);

} // namespace asyncfetch::testserver::detail
