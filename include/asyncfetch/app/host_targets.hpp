// The hosts of an SSH job: a hosts file and/or -H node sets, ranges and
// @groups expanded (core/nodeset.hpp, core/node_groups.hpp), -x node sets
// taken out. Each line of a file may be a node set ("root@web[01-20]:2222",
// "@web"); every host it yields keeps that line's number for messages.
#pragma once

#include "asyncfetch/core/node_groups.hpp"
#include "asyncfetch/core/target.hpp"
#include "asyncfetch/ssh/hosts.hpp"

#include <optional>
#include <string>
#include <vector>

namespace asyncfetch::app {

struct host_selection {
    std::string hosts_file;             // empty: none (the hosts come from -H)
    std::vector<std::string> host_sets; // -H/--hosts, each a node set
    std::vector<std::string> excluded;  // -x, each a node set (a host's name or its whole line)
    std::string groups_file;            // --groups; empty: default_node_groups_path() if it exists
};

// The groups `s` names, read once: nullopt when no file is given and the
// default one does not exist. Problems are printed ("FILE:LINE: ...") and
// make `ok` false.
struct loaded_groups {
    bool ok = true;
    std::optional<node_groups_file> file;
};
loaded_groups load_groups(const std::string& groups_file);

// Expands the node sets of `in`'s targets in place (each target's text a
// hosts line after), validating each host with `validate`: a malformed
// range, an unknown group or a bad host is a problem at its line. The whole
// list past nodeset::max_names is a problem at the line that crosses it.
void expand_host_lines(input_file& in, const nodeset::group_map* groups,
                       const target_validator& validate);

// Drops the targets `excluded` names (a host's name, or the whole line);
// the problem with a -x value otherwise.
std::optional<std::string> exclude_hosts(input_file& in, const std::vector<std::string>& excluded,
                                         const nodeset::group_map* groups);

// Everything above for the command line: false (problems printed, exit 2)
// unless the hosts were read; under keep_going, bad lines become problems.
bool read_hosts(const host_selection& s, const target_validator& validate, bool keep_going,
                input_file& out);

// A host as a file or directory name (--out-dir's NAME.out, get's
// LOCALDIR/NAME/): [USER@]HOST[+PORT], USER@ when the user is not
// `default_user` (-l, else the local user), +PORT when the port is not 22
// ('+' is in no host name; '_' is). An IPv6 address is bracketed with each
// ':' written '-' (no ':' in any name: scp and rsync read "a:b" as remote):
// [--1]+2222, [fe80--1%eth0]. Distinct user, host and port give distinct names.
std::string host_file_name(const ssh::host_spec& h, const std::string& default_user);

} // namespace asyncfetch::app
