// Reading ssh_config files as OpenSSH 9.2's readconf.c does: a keyword and its
// arguments per line (split at whitespace or one '=', quotes as argv_split),
// every line checked whether or not it applies, Include expanded in place
// with globs. Resolution per host is in ssh_config_resolve.cpp.
#include "asyncfetch/ssh/ssh_config.hpp"

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/ssh/known_hosts_rules.hpp"
#include "ssh_config_values.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <sstream>

namespace asyncfetch::ssh {

namespace {

constexpr std::size_t max_file_bytes = 1 << 20;
constexpr int max_include_depth = 16;              // OpenSSH's READCONF_MAX_DEPTH
constexpr std::size_t max_lines = 100000;          // over every file a config includes
constexpr std::size_t max_total_bytes = 16u << 20; // the same
constexpr std::size_t max_files = 256;             // files opened, the same

// Keywords whose whole remainder is a command, kept as written.
bool takes_command(std::string_view keyword) {
    return keyword == "proxycommand" || keyword == "localcommand" || keyword == "remotecommand" ||
           keyword == "knownhostscommand";
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n';
}

// OpenSSH's argv_split with comments: whitespace separates, '"' and '\''
// quote, a backslash escapes a quote, a backslash or (unquoted) a space, a
// word starting with '#' ends the line. nullopt: a quote left open.
std::optional<std::vector<std::string>> split_args(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ' || s[i] == '\t') {
            ++i;
            continue;
        }
        if (s[i] == '#') break;
        std::string arg;
        char quote = 0;
        for (; i < s.size(); ++i) {
            const char c = s[i];
            if (c == '\\' && i + 1 < s.size() &&
                (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' ||
                 (quote == 0 && s[i + 1] == ' '))) {
                arg += s[++i];
            } else if (quote == 0 && (c == ' ' || c == '\t')) {
                break;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else {
                arg += c;
            }
        }
        if (quote != 0) return std::nullopt;
        out.push_back(std::move(arg));
    }
    return out;
}

} // namespace

struct config_file_reader {
    bool user_file;
    const config_context& context;
    std::string& problem;
    std::vector<config_line> lines;
    std::vector<std::string> ignore_unknown; // IgnoreUnknown pattern lists seen so far
    std::size_t files_read = 0, bytes_read = 0;

    bool fail(const std::string& where, const std::string& message) {
        problem = where + ": " + message;
        return false;
    }

    bool read_text(std::string_view text, const std::string& name, int depth) {
        std::size_t number = 0;
        while (!text.empty()) {
            const auto end = text.find('\n');
            const auto line = text.substr(0, end);
            text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
            ++number;
            if (lines.size() >= max_lines)
                return fail(name + ":" + std::to_string(number),
                            "more than " + std::to_string(max_lines) + " lines in all");
            if (!read_line(line, name + ":" + std::to_string(number), depth)) return false;
        }
        return true;
    }

    bool read_line(std::string_view line, const std::string& where, int depth) {
        while (!line.empty() && is_space(line.back()))
            line.remove_suffix(1);
        while (!line.empty() && is_space(line.front()))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#') return true;
        // The keyword ends at whitespace or '='; one '=' may follow it.
        const auto stop = line.find_first_of(" \t=");
        const std::string keyword = lower(line.substr(0, stop));
        std::string_view rest = stop == std::string_view::npos ? "" : line.substr(stop);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
            rest.remove_prefix(1);
        if (!rest.empty() && rest.front() == '=') rest.remove_prefix(1);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
            rest.remove_prefix(1);
        if (rest.empty()) return fail(where, "no argument after keyword \"" + keyword + "\"");
        if (!is_openssh_keyword(keyword)) {
            for (const auto& patterns : ignore_unknown)
                if (match_pattern_list(keyword, patterns) == 1) return true;
            return fail(where, "Bad configuration option: " + keyword);
        }
        config_line out{config_line::kind::option, keyword, {}, where};
        if (takes_command(keyword)) {
            out.args.emplace_back(rest);
        } else {
            auto args = split_args(rest);
            if (!args) return fail(where, "invalid quotes");
            out.args = std::move(*args);
        }
        if (keyword == "include") return include(out, depth);
        if (keyword == "host") out.what = config_line::kind::host;
        if (keyword == "match") out.what = config_line::kind::match;
        if (keyword == "ignoreunknown" && !out.args.empty()) ignore_unknown.push_back(out.args[0]);
        if (auto bad = check_config_line(out)) return fail(where, *bad);
        if (is_used_keyword(keyword)) lines.push_back(std::move(out));
        return true;
    }

    bool include(const config_line& line, int depth) {
        if (depth >= max_include_depth)
            return fail(line.where, "too many recursive configuration includes");
        lines.push_back({config_line::kind::include_begin, line.keyword, line.args, line.where});
        for (const auto& arg : line.args) {
            std::string pattern = arg;
            if (pattern.starts_with("~/") || pattern == "~")
                pattern = context.home + pattern.substr(1);
            else if (pattern.starts_with("~"))
                return fail(line.where, "Include " + arg + ": ~user paths are not supported");
            if (!pattern.starts_with("/"))
                pattern =
                    (user_file ? context.home + "/.ssh/" : std::string("/etc/ssh/")) + pattern;
            glob_t found{};
            const int r = ::glob(pattern.c_str(), 0, nullptr, &found);
            std::vector<std::string> paths;
            if (r == 0) paths.assign(found.gl_pathv, found.gl_pathv + found.gl_pathc);
            ::globfree(&found);
            if (r != 0 && r != GLOB_NOMATCH)
                return fail(line.where, "Include " + arg + ": glob failed");
            for (const auto& path : paths) {
                std::string text;
                bool exists = false;
                if (!load(path, true, text, exists, line.where)) return false;
                if (exists && !read_text(text, path, depth + 1)) return false;
            }
        }
        lines.push_back({config_line::kind::include_end, line.keyword, {}, line.where});
        return true;
    }

    // Reads a whole file, at most max_file_bytes. `check_permissions`: as
    // OpenSSH checks a user's files, refuse one others may write.
    bool load(const std::string& path, bool check_permissions, std::string& text, bool& exists,
              const std::string& where) {
        const auto& at = where.empty() ? path : where;
        // Never blocks: a FIFO or a device is refused, not waited on.
        const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        exists = fd >= 0 || (errno != ENOENT && errno != ENOTDIR);
        if (fd < 0) return exists ? fail(at, "cannot read " + path) : true;
        struct stat st {};
        const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
        const bool bad_owner = check_permissions && user_file &&
                               ((st.st_uid != 0 && st.st_uid != ::getuid()) || (st.st_mode & 022));
        if (!regular || bad_owner) {
            ::close(fd);
            return fail(at, regular ? "bad owner or permissions on " + path
                                    : path + " is not a regular file");
        }
        if (++files_read > max_files)
            return ::close(fd),
                   fail(at, "more than " + std::to_string(max_files) + " files included");
        std::string data(max_file_bytes + 1, '\0');
        std::size_t got = 0;
        for (ssize_t n;
             got < data.size() && (n = ::read(fd, data.data() + got, data.size() - got)) != 0;) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return ::close(fd), fail(at, "cannot read " + path);
            got += static_cast<std::size_t>(n);
        }
        ::close(fd);
        data.resize(got);
        if (data.size() > max_file_bytes)
            return fail(path, "larger than " + std::to_string(max_file_bytes) + " bytes");
        bytes_read += data.size();
        if (bytes_read > max_total_bytes)
            return fail(at, "more than " + std::to_string(max_total_bytes >> 20) +
                                " MiB read over the files included");
        text = std::move(data);
        return true;
    }
};

parsed<config_file> config_file::parse(std::string_view text, const std::string& name,
                                       bool user_file, const config_context& context) {
    std::string problem;
    config_file_reader reader{user_file, context, problem, {}, {}};
    if (!reader.read_text(text, name, 0)) return asyncfetch::problem(problem);
    config_file config;
    config.lines_ = std::move(reader.lines);
    return config;
}

parsed<config_file> config_file::read(const std::string& path, bool user_file,
                                      const config_context& context) {
    std::string problem;
    config_file_reader reader{user_file, context, problem, {}, {}};
    std::string text;
    bool exists = false;
    // OpenSSH checks the permissions of ~/.ssh/config, not of a file given with -F.
    const bool default_user_file = user_file && path == context.home + "/.ssh/config";
    if (!reader.load(path, default_user_file, text, exists, "") ||
        (exists && !reader.read_text(text, path, 0)))
        return asyncfetch::problem(problem);
    config_file config;
    config.lines_ = std::move(reader.lines);
    return config;
}

parsed<std::vector<config_file>> default_ssh_configs(const config_context& context) {
    std::vector<config_file> files;
    for (const auto& [path, user] : {std::pair{context.home + "/.ssh/config", true},
                                     std::pair{std::string("/etc/ssh/ssh_config"), false}}) {
        auto file = config_file::read(path, user, context);
        if (!file) return asyncfetch::problem(file.problem());
        files.push_back(std::move(file).value());
    }
    return files;
}

} // namespace asyncfetch::ssh
