#include "asyncfetch/core/dns_error.hpp"

namespace asyncfetch::dns {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "dns"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok:
            return "success";
        case errc::no_such_host:
            return "no such host";
        case errc::no_address:
            return "the name has no address of the wanted family";
        case errc::server_failure:
            return "DNS server failure";
        case errc::refused:
            return "the DNS server refused the query";
        case errc::server_unreachable:
            return "no DNS server answered (each failed, refused or could not be reached)";
        case errc::bad_answer:
            return "malformed DNS answer";
        case errc::bad_name:
            return "not a valid host name";
        case errc::lookup_failed:
            return "name lookup failed";
        }
        return "unknown DNS error";
    }
};

} // namespace

const boost::system::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace asyncfetch::dns
