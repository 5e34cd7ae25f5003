// Sans I/O: the path and name rules of SFTP copies, kept apart from the
// channel so they are tested without a server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::ssh {

// Why a name from a remote directory listing may not become a local path
// component ("", ".", "..", anything holding '/' or NUL), or nullopt.
std::optional<std::string> unsafe_name_problem(std::string_view name);

// The last component of a path as `basename` prints it ("a/b/" -> "b"; "/" -> "").
std::string last_component(std::string_view path);

// A sibling name for writing `final_name` before renaming it into place:
// ".<name>.af-part-<suffix>".
std::string temp_name_for(std::string_view final_name, std::string_view suffix);

// A remote path joined as SFTP servers read it: "dir" + "name" -> "dir/name"
// (no doubled '/'; an empty dir leaves the name relative).
std::string join_remote(const std::string& dir, const std::string& name);

// The directory part of a remote path: "a/b" -> "a", "/b" -> "/", "b" -> "".
std::string remote_parent(const std::string& path);

} // namespace asyncfetch::ssh
