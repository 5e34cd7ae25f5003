#include "asyncfetch/ssh/sftp_names.hpp"

namespace asyncfetch::ssh {

std::optional<std::string> unsafe_name_problem(std::string_view name) {
    if (name.empty()) return "empty name";
    if (name == "." || name == "..") return "'" + std::string(name) + "' names a directory itself";
    if (name.find('/') != std::string_view::npos) return "name contains '/'";
    if (name.find('\0') != std::string_view::npos) return "name contains a NUL byte";
    return std::nullopt;
}

std::string last_component(std::string_view path) {
    while (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    if (path == "/") return "";
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string temp_name_for(std::string_view final_name, std::string_view suffix) {
    return "." + std::string(final_name) + ".af-part-" + std::string(suffix);
}

std::string join_remote(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string remote_parent(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return "";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace asyncfetch::ssh
