// The SSH jobs: a command on every host (`ssh`), and SFTP copies to or from
// every host (`put`, `get`). Hosts files hold one [user@]host[:port] a line.
#pragma once

#include "asyncfetch/app/run.hpp"
#include "asyncfetch/app/ssh_hosts.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::app {

struct ssh_config {
    std::string hosts_file = "-";       // empty: the hosts come from host_sets only
    std::vector<std::string> host_sets; // -H: node sets (app/host_targets.hpp)
    std::vector<std::string> excluded;  // -x: node sets taken out
    std::string groups_file;            // --groups; empty: the default file if it exists
    bool keep_going = false;
    run_settings run;
    std::string default_user;        // -l; empty: the local user
    std::uint16_t default_port = 22; // -p
    ssh::session_options session;
    ssh_flags_given given; // set on the command line: wins over ssh_config
    std::shared_ptr<const ssh_config_files> config_files; // -F; unset: no ssh_config read
    std::optional<std::vector<ssh::host_spec>> jump;      // -J (empty: none); unset: ProxyJump
    ssh::duration command_timeout{};                      // --timeout; zero: none
    std::string out_dir;                                  // --out-dir: DIR/<host>.out and .err
    bool stream = false; // --stream: "host: line" on stdout as output arrives
};

struct exec_config {
    ssh_config ssh;
    std::string command;
    std::string stdin_path;                   // --stdin FILE ('-': stdin); empty: none
    std::shared_ptr<const std::string> input; // what every command reads, then EOF
    bool pty = false;                         // --pty: a tty, stdout and stderr merged
    bool sudo = false;                        // --sudo: run through sudo
    std::string sudo_user;                    // --sudo-user; empty: root
    std::optional<std::string> sudo_password; // never from the command line
    bool group = false; // --group: identical outputs printed once after the run (output_groups)
};

// The most --stdin sends (it is read once and kept for every host).
inline constexpr std::size_t max_stdin_input = 64u << 20;

// Reads --stdin's FILE ('-': stdin) into config.input; the problem otherwise.
std::optional<std::string> load_stdin_input(exec_config& config);

// `put`: source is a local path, destination a remote one. `get`: source is
// a remote path, destination a local directory (files land in DEST/<host>/).
struct transfer_config {
    enum kind { put, get };
    ssh_config ssh;
    kind direction = put;
    std::string source, destination;
    bool recursive = false;
    bool update = false;   // --update: skip files whose copy has the same size and mtime
    bool checksum = false; // --checksum: skip files whose copy has the same SHA-256
    bool resume = false;   // --resume: go on from a partial copy an interrupted run left
    bool fsync = false;    // --fsync: each file flushed to disk before its rename
};

// Checks a hosts line (the message names the problem).
std::optional<std::string> host_line_problem(std::string_view text);

// The job kinds, for run_targets (and the scheduler).
job_kind exec_job(std::shared_ptr<const exec_config> config);
job_kind transfer_job(std::shared_ptr<const transfer_config> config);

int run_ssh(const exec_config& config);
int run_transfer(const transfer_config& config);

// The local login name ($USER, else the password database).
std::string local_user();

} // namespace asyncfetch::app
