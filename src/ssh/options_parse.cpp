#include "asyncfetch/ssh/options_parse.hpp"

#include <string>

namespace asyncfetch::ssh {

parsed<host_key_policy> parse_host_key_policy(std::string_view text) {
    if (text == "strict") return host_key_policy::strict;
    if (text == "accept-new") return host_key_policy::accept_new;
    if (text == "off") return host_key_policy::off;
    return problem("'" + std::string(text) + "' is not strict, accept-new or off");
}

} // namespace asyncfetch::ssh
