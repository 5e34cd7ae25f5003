#include "asyncfetch/ssh/sudo.hpp"

#include <random>

namespace asyncfetch::ssh {
namespace {

// One word for sh: single-quoted, a quote as '\''.
std::string quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

std::string new_sudo_prompt() {
    std::random_device random;
    static constexpr char hex[] = "0123456789abcdef";
    std::string token;
    for (int i = 0; i < 16; ++i)
        token += hex[random() % 16];
    return "[asyncfetch-sudo-" + token + "] ";
}

std::string sudo_command(const std::string& command, const std::string& user,
                         const std::string& prompt, bool pty) {
    std::string line = pty ? "sudo -p " : "sudo -S -p ";
    line += quoted(prompt);
    if (!user.empty()) line += " -u " + quoted(user);
    return line + " -- sh -c " + quoted("exec </dev/null; " + command);
}

sudo_watcher::sudo_watcher(std::string prompt, std::optional<std::string> password)
    : prompt_(std::move(prompt)), password_(std::move(password)) {}

sudo_watcher::action sudo_watcher::feed(std::string_view chunk) {
    action next;
    std::string text = tail_;
    text.append(chunk);
    for (auto at = text.find(prompt_); at != std::string::npos;
         at = text.find(prompt_, at + prompt_.size())) {
        ++prompts_;
        // sudo asks again only when the password was wrong: answering again
        // would send the same wrong password (and lock the account sooner).
        if (prompts_ > 1 || !password_) {
            next.stop = true;
            next.reply.clear();
            break;
        }
        next.reply = *password_ + "\n";
    }
    // Keep the end that may be the start of a prompt split across chunks.
    const auto keep = std::min(text.size(), prompt_.size() - 1);
    tail_ = text.substr(text.size() - keep);
    return next;
}

void remove_prompt(std::string& text, const std::string& prompt) {
    for (auto at = text.find(prompt); at != std::string::npos; at = text.find(prompt, at))
        text.erase(at, prompt.size());
}

std::optional<std::string> sudo_refusal(std::string_view output) {
    for (const char* words :
         {"is not in the sudoers file", "is not allowed to execute", "is not allowed to run sudo",
          "a terminal is required", "no tty present", "a password is required"}) {
        const auto at = output.find(words);
        if (at == std::string_view::npos) continue;
        auto begin = output.rfind('\n', at);
        begin = begin == std::string_view::npos ? 0 : begin + 1;
        auto end = output.find('\n', at);
        if (end == std::string_view::npos) end = output.size();
        auto line = std::string(output.substr(begin, end - begin));
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        return line;
    }
    return std::nullopt;
}

} // namespace asyncfetch::ssh
