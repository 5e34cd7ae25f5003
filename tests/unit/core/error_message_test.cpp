#include "asyncfetch/core/error_message.hpp"

#include <boost/assert/source_location.hpp>

#include <doctest/doctest.h>

#include <cerrno>

using asyncfetch::error_message;

TEST_CASE("error_message: Boost's category, value and source location are left out") {
    static constexpr boost::source_location here = BOOST_CURRENT_LOCATION;
    const boost::system::error_code ec(ECONNREFUSED, boost::system::system_category(), &here);
    REQUIRE(std::string(boost::system::system_error(ec).what()).find(__FILE__) !=
            std::string::npos); // what Boost itself prints
    CHECK(error_message(boost::system::system_error(ec, "redis://h:1/j")) ==
          "redis://h:1/j: Connection refused");
    CHECK(error_message(boost::system::system_error(ec)) == "Connection refused");
    CHECK(error_message(std::runtime_error("plain words")) == "plain words");
}
