#include "asyncfetch/ssh/sftp_sync.hpp"

namespace asyncfetch::ssh {

copy_action decide_copy(const transfer_options& options, file_facts source,
                        std::optional<file_facts> copy) {
    if (!copy || !(options.update || options.checksum)) return copy_action::copy;
    if (copy->size != source.size) return copy_action::copy;
    if (options.checksum) return copy_action::compare_content;
    return copy->mtime == source.mtime ? copy_action::unchanged : copy_action::copy;
}

std::uint64_t resumable_length(std::optional<file_facts> partial, std::uint64_t source_size) {
    if (!partial || partial->size > source_size) return 0;
    return partial->size;
}

} // namespace asyncfetch::ssh
