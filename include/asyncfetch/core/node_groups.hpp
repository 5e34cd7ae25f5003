// Named node groups, as `@name` in node sets (core/nodeset.hpp): a groups
// file holds one group a line, "NAME: SET [SET...]" (sets separated by
// spaces or commas, "@other" for another group's nodes), '#' comments and
// blank lines skipped:
//     web: web[01-20]
//     db:  db[1-3] db7
//     all: @web @db
#pragma once

#include "asyncfetch/core/nodeset.hpp"
#include "asyncfetch/core/target.hpp"

#include <istream>
#include <string>
#include <vector>

namespace asyncfetch {

struct node_groups_file {
    nodeset::group_map groups;
    std::vector<input_problem> problems; // line 0: the file as a whole
};

// Reads and resolves the groups: a group naming an unknown group, itself
// (through others) or more than nodeset::max_names nodes is a problem at its
// line, as is a malformed set or a name defined twice.
node_groups_file read_node_groups(std::istream& in);
node_groups_file read_node_groups_file(const std::string& path);

// Where the groups are read from when no file is given:
// $XDG_CONFIG_HOME/asyncfetch/groups, else ~/.config/asyncfetch/groups.
std::string default_node_groups_path();

} // namespace asyncfetch
