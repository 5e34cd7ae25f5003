// The time a phase of one request may take: its own limit, or what is left
// of the whole request's, whichever is less; a timeout then names the one
// that was hit. Private to src/http.
#pragma once

#include "asyncfetch/core/error.hpp"

#include <boost/system/error_code.hpp>

#include <algorithm>
#include <chrono>

namespace asyncfetch::http::detail {

using clock_type = std::chrono::steady_clock;

struct phase_budget {
    clock_type::duration limit;
    bool request_bound;
};

inline phase_budget budget(clock_type::duration phase, clock_type::time_point deadline) {
    const auto left = std::max(deadline - clock_type::now(), clock_type::duration::zero());
    return left < phase ? phase_budget{left, true} : phase_budget{phase, false};
}

inline boost::system::error_code timeout_code(const phase_budget& b, errc phase_timeout) {
    return make_error_code(b.request_bound ? errc::request_timeout : phase_timeout);
}

} // namespace asyncfetch::http::detail
