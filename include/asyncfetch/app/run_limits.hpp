// Bounds of the options every job has (-c, -j), shared by the command line
// and the JSON config; the defaults are run_settings' initialisers.
#pragma once

namespace asyncfetch::app {

inline constexpr long long max_concurrency = 1000000;
inline constexpr long long max_processes = 256;

} // namespace asyncfetch::app
