// Which keys a job of each type takes in a JSON config (config.cpp refuses
// the rest, naming them).
#pragma once

#include "json_checker.hpp"

#include "asyncfetch/schedule/config.hpp"

namespace asyncfetch::schedule {

keys allowed_keys(job_type t);

} // namespace asyncfetch::schedule
