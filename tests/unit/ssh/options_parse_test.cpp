#include "asyncfetch/ssh/options_parse.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::ssh;

TEST_CASE("host key policies as the flag and the config key write them") {
    CHECK(*parse_host_key_policy("strict") == host_key_policy::strict);
    CHECK(*parse_host_key_policy("accept-new") == host_key_policy::accept_new);
    CHECK(*parse_host_key_policy("off") == host_key_policy::off);
    CHECK(parse_host_key_policy("trusting").problem() ==
          "'trusting' is not strict, accept-new or off");
}
