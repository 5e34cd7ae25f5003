#include "asyncfetch/ssh/known_hosts.hpp"

#include "asyncfetch/ssh/error.hpp"

#include <libssh2.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/file.h>
#include <unistd.h>

namespace asyncfetch::ssh {
namespace {

std::string base64(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()),
                                  static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string fingerprint(std::string_view key) {
    return sha256_fingerprint(reinterpret_cast<const unsigned char*>(key.data()), key.size());
}

// Calls on_line(number, text) for each line of `path`, without its '\n'. A
// line longer than `max` is not kept: on_line gets nullopt for it.
void for_each_line(
    const std::string& path, std::size_t max,
    const std::function<void(std::size_t, std::optional<std::string_view>)>& on_line) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return; // missing or unreadable: no lines, as OpenSSH
    std::string line;
    bool overlong = false;
    std::size_t number = 1;
    char buf[64 * 1024];
    auto finish = [&] {
        if (overlong)
            on_line(number, std::nullopt);
        else
            on_line(number, line);
        line.clear();
        overlong = false;
        ++number;
    };
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        std::string_view chunk(buf, static_cast<std::size_t>(in.gcount()));
        for (auto nl = chunk.find('\n'); nl != std::string_view::npos; nl = chunk.find('\n')) {
            if (!overlong && line.size() + nl <= max)
                line.append(chunk.substr(0, nl));
            else
                overlong = true;
            finish();
            chunk.remove_prefix(nl + 1);
        }
        if (!overlong && line.size() + chunk.size() <= max)
            line.append(chunk);
        else
            overlong = true;
    }
    if (overlong || !line.empty()) finish();
}

// Appends one line under an exclusive lock; concurrent writers never
// interleave, and a last line without its '\n' is ended first. Returns 0 or
// the errno of the step that failed.
int append_locked(const std::string& path, const std::string& line) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    int error = ::flock(fd, LOCK_EX) == 0 ? 0 : errno;
    std::string text = line;
    const off_t size = ::lseek(fd, 0, SEEK_END);
    char last = '\n';
    if (!error && size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n')
        text.insert(0, "\n");
    if (!error && ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        error = errno ? errno : EIO;
    if (::close(fd) != 0 && !error) error = errno; // closing releases the lock
    return error;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
    return out;
}

} // namespace

std::string sha256_fingerprint(const unsigned char* key, std::size_t len) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(key, len, digest);
    unsigned char b64[64];
    int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
    while (n > 0 && b64[n - 1] == '=')
        --n; // OpenSSH prints it unpadded
    return "SHA256:" + std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
}

std::string default_known_hosts() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.ssh/known_hosts";
}

known_hosts::known_hosts(std::string path, std::vector<std::string> global_paths,
                         host_key_policy policy)
    : path_(std::move(path)), policy_(policy) {
    if (path_.empty()) path_ = default_known_hosts();
    if (policy_ == host_key_policy::off) return;
    read(path_);
    for (const auto& file : global_paths)
        if (!file.empty()) read(file); // --global-known-hosts '': none
}

known_hosts::known_hosts(std::string path, host_key_policy policy)
    : known_hosts(std::move(path), session_options{}.global_known_hosts, policy) {}

void known_hosts::read(const std::string& file) {
    files_read_.push_back(file);
    for_each_line(file, max_known_hosts_line,
                  [&](std::size_t number, std::optional<std::string_view> text) {
                      const auto where = file + ":" + std::to_string(number);
                      if (!text) {
                          if (overlong_line_.empty()) overlong_line_ = where;
                          return;
                      }
                      if (auto line = parse_known_hosts_line(*text)) {
                          line->where = where;
                          lines_.push_back(std::move(*line));
                      }
                  });
}

std::string known_hosts::hostkey_preference(const host_spec& host) const {
    return hostkey_method_preference(known_key_types(lines_, host.host, host.port));
}

ssh_failure known_hosts::check(LIBSSH2_SESSION* s, const host_spec& host) {
    if (policy_ == host_key_policy::off) return {};
    std::size_t len = 0;
    int type = 0;
    const char* raw = libssh2_session_hostkey(s, &len, &type);
    if (!raw)
        return {libssh2_error(LIBSSH2_ERROR_HOSTKEY_INIT), "hostkey: the server sent no host key"};
    const std::string key(raw, len);
    const auto offered = key_blob_type(key) + " key " + fingerprint(key);
    const auto name = known_hosts_name(host.host, host.port);
    const auto decision = decide_host_key(lines_, host.host, host.port, key);

    switch (decision.status) {
    case host_key_status::known:
        return {};
    case host_key_status::changed:
        return {make_error_code(ssh_errc::host_key_changed),
                "hostkey: HOST KEY FOR " + name + " HAS CHANGED: " + decision.line->where +
                    " has the " + decision.line->key_type + " key " +
                    fingerprint(decision.line->key) + ", the server offered the " + offered +
                    ". Refusing to connect: this may be a man-in-the-middle attack. If the change "
                    "is expected, remove the old key with: ssh-keygen -R '" +
                    name + "' -f " + path_};
    case host_key_status::revoked:
        return {make_error_code(ssh_errc::host_key_revoked),
                "hostkey: the " + offered + " of " + name + " is marked @revoked in " +
                    decision.line->where +
                    ". Refusing to connect: a revoked key may be a stolen one, used to "
                    "impersonate the host"};
    case host_key_status::unknown:
    case host_key_status::cert_authority_only:
        break;
    }

    std::string why_unknown;
    if (decision.status == host_key_status::cert_authority_only) {
        why_unknown = " (" + decision.line->where + " trusts a @cert-authority for " + name +
                      ", but libssh2 1.10 cannot check host certificates, so the host counts "
                      "as unknown)";
    }
    if (!overlong_line_.empty()) {
        // That line may name the host: "unknown" cannot be told apart from "pinned".
        return {make_error_code(ssh_errc::host_key_unknown),
                "hostkey: " + name + " (" + offered +
                    ") is not in the known_hosts lines read, "
                    "but " +
                    overlong_line_ + " is longer than " +
                    std::to_string(max_known_hosts_line >> 20) +
                    " MiB and was not read; it may name this host: refusing to connect"};
    }
    if (policy_ == host_key_policy::strict) {
        return {make_error_code(ssh_errc::host_key_unknown),
                "hostkey: " + name + " (" + offered + ") is not in " + joined(files_read_) +
                    why_unknown + " and --host-key-policy is strict"};
    }
    return add(host, key);
}

// accept-new: remember the key for this run and append it to the user's file.
ssh_failure known_hosts::add(const host_spec& host, const std::string& key) {
    const auto name = known_hosts_name(host.host, host.port);
    known_host_line line;
    line.names = name;
    line.key_type = key_blob_type(key);
    line.key = key;
    line.where = path_ + " (added by this run)";
    if (const int error =
            append_locked(path_, name + " " + line.key_type + " " + base64(key) + "\n")) {
        return {libssh2_error(LIBSSH2_ERROR_FILE),
                "hostkey: cannot add " + name + " to " + path_ + ": " + std::strerror(error)};
    }
    lines_.push_back(std::move(line));
    return {};
}

} // namespace asyncfetch::ssh
