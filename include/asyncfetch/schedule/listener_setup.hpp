// `run --listen`: the address read, the token rule applied (off loopback a
// bearer token from the environment is required: refused at start-up
// without one), and the listener bound, or the problem saying which.
#pragma once

#include "asyncfetch/core/parsed.hpp"
#include "asyncfetch/schedule/listener.hpp"
#include "asyncfetch/schedule/scheduler.hpp"

#include <memory>

namespace asyncfetch::schedule {

parsed<std::unique_ptr<http_listener>>
open_listener(boost::asio::any_io_executor ex, const scheduler_options& options, http_route route);

} // namespace asyncfetch::schedule
