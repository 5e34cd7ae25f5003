// SFTP copies over an open session: put (local -> remote) and get (remote ->
// local), files or whole trees (-r), permission bits and times kept like
// `scp -rp`. Files are written under a temporary name in the target
// directory and renamed when complete, so a partial file never carries the
// final name. Writes and reads go through libssh2 with large buffers, which
// it pipelines as many SFTP requests in flight.
#pragma once

#include "asyncfetch/ssh/session.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace asyncfetch::ssh {

struct transfer_options {
    bool recursive = false; // -r: directories and their contents
    bool update = false;    // --update: skip a file whose copy has its size and mtime (1 s)
    bool checksum = false;  // --checksum: skip a file whose copy has its size and SHA-256
    bool resume = false;    // --resume: a partial copy (.NAME.af-part-resume) goes on from its end
    bool fsync = false;     // --fsync: each file on disk before it takes its name (put and get)
    std::size_t buffer_size = 4u << 20; // bytes handed to libssh2 per call (pipelined)
};

struct transfer_stats {
    std::uint64_t files = 0, directories = 0, bytes = 0; // files and bytes sent or received
    std::uint64_t files_unchanged = 0;                   // left alone by --update / --checksum
    std::uint64_t files_resumed = 0;                     // --resume went on from a partial copy
    std::string checksum_via;         // "sha256sum" (exec) or "sftp" (read back): --checksum
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
