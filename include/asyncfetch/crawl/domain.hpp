// Host names as the crawler compares them: IDNA-encoded and lower case, and
// grouped into sites by the Public Suffix List (libpsl, with Debian's
// publicsuffix data), so that a.example.co.uk and b.other.co.uk are two
// sites while www.example.org and docs.example.org are one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::crawl {

// A host name in its ASCII form ("Bücher.Example" -> "xn--bcher-kva.example"),
// lower case; nullopt when IDNA refuses it. Percent-encoded octets are
// decoded first; ASCII names only change case.
std::optional<std::string> ascii_host(std::string_view host);

// The registrable domain ("a.b.example.co.uk" -> "example.co.uk"). An IP
// literal, "localhost" and a host the list gives no registrable domain for
// (a public suffix itself) are their own domain.
std::string domain_of(const std::string& host);

} // namespace asyncfetch::crawl
