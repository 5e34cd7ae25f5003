// Why a name did not resolve, as its own error category, so a record says
// which: the name does not exist, it has no address of the wanted family, or
// the DNS server failed. (A resolve timeout is errc::resolve_timeout.)
#pragma once

#include <boost/system/error_code.hpp>

namespace asyncfetch::dns {

enum class errc {
    ok = 0,
    no_such_host,       // NXDOMAIN: the name does not exist
    no_address,         // the name exists but has no address of the wanted family
    server_failure,     // SERVFAIL (or getaddrinfo's "temporary failure")
    refused,            // the server refused the query (REFUSED)
    server_unreachable, // every server failed, refused or could not be reached
    bad_answer,         // an answer that could not be parsed
    bad_name,           // a name that cannot be looked up (empty, too long)
    lookup_failed,      // any other resolver failure
};

const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace asyncfetch::dns

template <>
struct boost::system::is_error_code_enum<asyncfetch::dns::errc> : std::true_type {};
