#include "asyncfetch/crawl/domain.hpp"

#include "asyncfetch/core/text.hpp"

#include <boost/asio/ip/address.hpp>

#include <idn2.h>
#include <libpsl.h>

#include <cstdlib>
#include <memory>

namespace asyncfetch::crawl {
namespace {

// The newest list on the system (Debian's publicsuffix package), else the
// one built into libpsl; loaded once.
const psl_ctx_t* suffix_list() {
    static const std::unique_ptr<psl_ctx_t, void (*)(psl_ctx_t*)> list(
        [] {
            psl_ctx_t* latest = psl_latest(nullptr);
            return latest ? latest : const_cast<psl_ctx_t*>(psl_builtin());
        }(),
        [](psl_ctx_t* p) {
            if (p != psl_builtin()) psl_free(p);
        });
    return list.get();
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

bool is_ip_literal(const std::string& host) {
    if (host.find(':') != std::string::npos) return true; // IPv6 (brackets or not)
    boost::system::error_code ec;
    boost::asio::ip::make_address_v4(host, ec);
    return !ec;
}

} // namespace

std::optional<std::string> ascii_host(std::string_view host) {
    const auto decoded = percent_decoded(host);
    bool plain = true;
    for (unsigned char c : decoded)
        plain = plain && c < 0x80 && c != 0;
    if (plain) return lower(decoded);
    char* out = nullptr;
    // UTS #46 non-transitional, as browsers do: "ß" stays itself.
    const int rc = idn2_to_ascii_8z(decoded.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) return std::nullopt;
    std::string ascii = lower(out);
    idn2_free(out);
    return ascii;
}

std::string domain_of(const std::string& host) {
    if (host.empty() || host == "localhost" || is_ip_literal(host)) return host;
    const char* domain = psl_registrable_domain(suffix_list(), host.c_str());
    return domain ? std::string(domain) : host;
}

} // namespace asyncfetch::crawl
