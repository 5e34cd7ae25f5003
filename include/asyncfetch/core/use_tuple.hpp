// The completion token every coroutine here awaits with: the result comes back
// as a tuple (error code first) instead of an exception, so a failing peer is
// a value to look at, never a throw across a co_await.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asyncfetch {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

} // namespace asyncfetch
