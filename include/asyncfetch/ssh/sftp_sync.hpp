// Sans I/O: the rules of incremental copies (put/get --update, --checksum,
// --resume), kept apart from the channel so they are tested without a server.
#pragma once

#include "asyncfetch/ssh/sftp.hpp"

#include <cstdint>
#include <optional>

namespace asyncfetch::ssh {

// What a copy decision needs of a regular file. SFTP v3 carries whole
// seconds, so mtimes compare at 1 s (rsync's --modify-window=1 on such links).
struct file_facts {
    std::uint64_t size = 0;
    std::int64_t mtime = 0; // seconds since the epoch
};

enum class copy_action {
    copy,            // send it
    unchanged,       // the copy already matches: leave it
    compare_content, // same size: --checksum compares SHA-256 to decide
};

// `copy`: the file already at the target (nullopt: none, or not a regular file).
copy_action decide_copy(const transfer_options& options, file_facts source,
                        std::optional<file_facts> copy);

// --resume: how many bytes of a partial copy to keep. A partial copy longer
// than the source (or none) keeps nothing; --checksum then also checks the
// kept prefix's SHA-256 before trusting it.
std::uint64_t resumable_length(std::optional<file_facts> partial, std::uint64_t source_size);

// The temporary file's suffix (sftp_names.hpp's temp_name_for): fixed with
// --resume, so that a rerun finds what an interrupted run left; else unique.
inline constexpr const char* resume_suffix = "resume";

} // namespace asyncfetch::ssh
