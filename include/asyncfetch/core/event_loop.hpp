// run_until_signal: the tool's main loop. Runs `body` on a fresh
// single-threaded io_context until the body ends or SIGINT/SIGTERM arrives.
// A signal cancels the body (its pending waits end in operation_aborted, and
// the runner gives unfinished targets "cancelled" records); the loop runs on
// until the body has wound down, so what is done is flushed.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace asyncfetch {

// `signalled` turns true when the signal arrives, before the body is
// cancelled: a body that catches the cancel reads it to skip what follows.
using loop_body = std::function<boost::asio::awaitable<void>(const bool& signalled)>;

// True when a signal ended the run. An exception from the body is rethrown
// here, unless a signal came first: then it is the cancel's doing.
bool run_until_signal(const loop_body& body);

} // namespace asyncfetch
