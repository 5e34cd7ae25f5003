// `asyncfetch run` configs: named jobs (fetch, crawl, ssh, put, get, local), each
// with its targets, the options of the matching command, an output path and
// an optional schedule. Loading checks everything before anything runs and
// names each mistake by its JSON path.
#pragma once

#include "asyncfetch/app/crawl.hpp"
#include "asyncfetch/app/local.hpp"
#include "asyncfetch/app/ssh.hpp"
#include "asyncfetch/schedule/cron.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace asyncfetch::schedule {

enum class overlap_policy { skip, queue };

struct schedule_spec {
    std::optional<cron_expr> cron;
    std::chrono::milliseconds every{0}; // used when cron is unset
    std::chrono::milliseconds jitter{0};
    time_zone zone = time_zone::utc;
    overlap_policy overlap = overlap_policy::skip;
};

enum class job_type { fetch, crawl, ssh, put, get, local };

struct job_spec {
    std::string name;
    job_type type = job_type::fetch;
    std::vector<std::string> inline_targets; // "targets": [...]
    std::string targets_file;                // "targets": "file" (relative to the config)
    std::optional<schedule_spec> schedule;
    std::string output; // path pattern with {job} and {time}
    bool keep_going = false;
    app::run_settings run;
    http::client_options client;   // fetch, crawl
    crawl::crawl_options crawl;    // crawl
    app::exec_config exec;         // ssh (exec.ssh holds the SSH options of put/get too)
    app::transfer_config transfer; // put, get
    app::local_config local;       // local
};

struct config {
    std::string path;    // the file it was read from
    std::string run_log; // JSON lines, one per run
    std::vector<job_spec> jobs;
};

struct loaded_config {
    std::optional<config> value;
    std::vector<std::string> problems; // "FILE: jobs[2].schedule.cron: ..." lines
};

loaded_config load_config(const std::string& path);

const char* type_name(job_type t);

// The job's targets: the inline list, or its file read now. Problems carry
// the file and line (or the JSON path of an inline target).
struct job_targets {
    input_file input;
    std::string source; // file path, or "CONFIG:jobs[N].targets"
};
job_targets read_job_targets(const config& c, const job_spec& job);

// The job kind that runs this job's targets.
app::job_kind make_job_kind(const job_spec& job);

} // namespace asyncfetch::schedule
