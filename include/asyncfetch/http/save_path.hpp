// Where --save DIR puts a URL's body: DIR/HOST/PATH, as wget -x does.
//   http://example.org/a/b.txt         example.org/a/b.txt
//   http://example.org:8080/a/b.txt    example.org:8080/a/b.txt (a port not the scheme's)
//   http://[::1]/x                     [::1]/x
//   http://example.org/ , .../docs/    example.org/index.html , example.org/docs/index.html
//   http://example.org/a?x=1&y=2       example.org/a?x=1&y=2 (the query, as sent, kept in
//                                      the name: each query its own file, as wget does)
// Segments are percent-decoded; a '/' (%2F), a NUL or a control byte in one
// is written back as %XX, so a segment is always one name. The host is
// lower-case. A path that would leave DIR (a ".." or "." segment written as
// %2E%2E, which URL normalisation keeps) is refused, never followed.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/http/url.hpp"

#include <string>

namespace asyncfetch::http {

// The body's path relative to the --save directory.
parsed<std::string> save_path(const http_url& url);

} // namespace asyncfetch::http
