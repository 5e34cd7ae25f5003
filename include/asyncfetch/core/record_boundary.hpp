// run_to_record: the one place where an operation's exception becomes a record
// (error_code inside the library, exceptions only up to here). Every caller
// that runs an operation for a record goes through it, so a cancel, an
// exhausted memory and a failure read the same everywhere.
#pragma once

#include "asyncfetch/core/runner.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <exception>

namespace asyncfetch {

// The record `op` made for `t`, or an error record for what it threw: a
// cancel (Ctrl-C) is outcome::cancelled "cancelled", never a failure;
// std::bad_alloc is "out of memory" (this target asked for more than there
// is; the others go on); anything else is outcome::failed with its message.
// The record's elapsed_ms is filled in when the operation left it 0.
boost::asio::awaitable<record> run_to_record(const operation& op, const target& t);

// Whether an error is a cancel (a timer's or socket's operation_aborted, a
// channel's channel_cancelled) rather than a failure.
bool is_cancel(const boost::system::error_code& ec);

// The error record for an exception, as run_to_record makes it.
record exception_record(std::exception_ptr e);

} // namespace asyncfetch
