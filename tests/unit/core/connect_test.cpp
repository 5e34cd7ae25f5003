#include "asyncfetch/core/connect.hpp"

#include <doctest/doctest.h>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

tcp::endpoint ep(const char* address) {
    return {asio::ip::make_address(address), 80};
}

std::vector<std::string> order(const std::vector<tcp::endpoint>& in) {
    std::vector<std::string> out;
    for (const auto& e : asyncfetch::interleave_families(in))
        out.push_back(e.address().to_string());
    return out;
}

} // namespace

TEST_CASE("interleave_families alternates families, starting with the first address's") {
    CHECK(order({ep("::1"), ep("::2"), ep("10.0.0.1"), ep("10.0.0.2"), ep("::3")}) ==
          std::vector<std::string>{"::1", "10.0.0.1", "::2", "10.0.0.2", "::3"});
    CHECK(order({ep("10.0.0.1"), ep("::1"), ep("::2")}) ==
          std::vector<std::string>{"10.0.0.1", "::1", "::2"});
}

TEST_CASE("interleave_families keeps a single family's order, and an empty list empty") {
    CHECK(order({ep("10.0.0.2"), ep("10.0.0.1")}) ==
          std::vector<std::string>{"10.0.0.2", "10.0.0.1"});
    CHECK(order({}).empty());
}
