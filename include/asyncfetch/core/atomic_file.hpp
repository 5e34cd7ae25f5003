// A file that appears under its name complete or not at all: written to a
// temp file beside it, flushed to disk, then renamed over the name. Every
// step is checked, so a full disk is an error, never a short file that looks
// finished; on any failure the temp file goes and what was at the name stays.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace asyncfetch {

class atomic_file {
public:
    atomic_file() = default;
    ~atomic_file() { discard(); }
    atomic_file(const atomic_file&) = delete;
    atomic_file& operator=(const atomic_file&) = delete;

    // Creates ".NAME.XXXXXX" beside `path` (exclusively: nothing planted at
    // that name is written through), with `mode` less the umask as a plain
    // open would give (mkstemp's 0600 is not what the user's umask says).
    // A download of unknown contents passes 0600 until it knows its mode.
    std::error_code open(std::string path, unsigned mode = 0666);
    // Buffered; a failure is sticky (every later call returns it).
    std::error_code write(std::string_view bytes);
    // Flush, then `before_rename` on the file's descriptor (to set its mode
    // and times: a write after it would change them), fsync, close, rename
    // over the path, fsync the directory. `sync` false: no fsyncs (a bulk
    // download, as scp and sftp write files: the event loop does not wait
    // on the disk for each one).
    std::error_code commit(const std::function<void(int fd)>& before_rename = {},
                           bool sync = true);
    // Removes the temp file (the destructor does it if commit was not reached).
    void discard() noexcept;

    const std::string& path() const noexcept { return path_; }
    // "PATH: cannot write: No space left on device": the failed step and why.
    const std::string& error_message() const noexcept { return message_; }

private:
    std::error_code fail(const char* step, int error);

    std::string path_, temp_;
    std::FILE* stream_ = nullptr;
    std::error_code error_;
    std::string message_;
};

// A whole file at once, atomically. Returns an empty string or the error message.
std::string write_file_atomically(const std::string& path, std::string_view bytes);

// "PATH: cannot STEP: strerror(error)", the one wording of a failed file step.
std::string file_error_message(const std::string& path, const char* step, int error);

} // namespace asyncfetch
