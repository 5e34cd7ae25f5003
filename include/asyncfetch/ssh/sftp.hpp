// SFTP copies over an open session: put (local -> remote) and get (remote ->
// local), files or whole trees (-r), permission bits and times kept like
// `scp -rp`. Files are written under a temporary name in the target
// directory and renamed when complete, so a partial file never carries the
// final name. Writes and reads go through libssh2 with large buffers, which
// it pipelines as many SFTP requests in flight.
#pragma once

#include "asyncfetch/ssh/session.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::ssh {

// Sans I/O: why a name from a remote directory listing may not become a local
// path component ("", ".", "..", anything holding '/' or NUL), or nullopt.
std::optional<std::string> unsafe_name_problem(std::string_view name);

// The last component of a path as `basename` prints it ("a/b/" -> "b"; "/" -> "").
std::string last_component(std::string_view path);

// A sibling name for writing `final_name` before renaming it into place:
// ".<name>.af-part-<suffix>".
std::string temp_name_for(std::string_view final_name, std::string_view suffix);

struct transfer_options {
    bool recursive = false;             // -r: directories and their contents
    std::size_t buffer_size = 4u << 20; // bytes handed to libssh2 per call (pipelined)
};

struct transfer_stats {
    std::uint64_t files = 0, directories = 0, bytes = 0;
    std::vector<std::string> skipped; // "path: why" for entries left alone
};

// Copies `local` to `remote` on the host. If `remote` is an existing
// directory, the copy goes inside it under the local name (as scp does).
boost::asio::awaitable<ssh_failure> put(session& s, const std::string& local,
                                        const std::string& remote, const transfer_options& options,
                                        transfer_stats& stats);

// Copies `remote` from the host into the local directory `local_dir`
// (created if missing), under the remote path's last component. Remote names
// that could escape `local_dir` are refused and reported; the rest is copied.
boost::asio::awaitable<ssh_failure> get(session& s, const std::string& remote,
                                        const std::string& local_dir,
                                        const transfer_options& options, transfer_stats& stats);

} // namespace asyncfetch::ssh
