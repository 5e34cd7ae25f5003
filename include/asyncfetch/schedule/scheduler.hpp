// `asyncfetch run CONFIG`: runs the config's jobs on their schedules until
// SIGTERM/SIGINT (running jobs get a grace period, then are cancelled; their
// outputs are complete either way), reloading the config on SIGHUP (an
// invalid new config is refused and the old one keeps running). Each run
// writes its records to a temp file renamed into place when complete, and
// appends one line to the run log.
#pragma once

#include <chrono>
#include <string>

namespace asyncfetch::schedule {

struct scheduler_options {
    std::string config_path;
    bool once = false;    // run every job (or --job) once, now, and exit
    bool dry_run = false; // check the config and print each job's next fire times
    std::string only_job; // --job NAME
    std::chrono::milliseconds grace{std::chrono::seconds(10)}; // after SIGTERM
    bool quiet = false;                                        // no line per run on stderr
    // --listen ADDRESS:PORT: /metrics, /healthz and a status page (empty: none).
    std::string listen;
    // --listen-token-env VAR: the bearer token every request must carry;
    // required when `listen` is not a loopback address.
    std::string listen_token_env;
};

// Returns the exit status: 0 done (or stopped by a signal), 1 some run had
// failed targets (--once), 2 a config problem.
int run_scheduler(const scheduler_options& options);

} // namespace asyncfetch::schedule
