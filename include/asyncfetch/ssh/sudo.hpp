// Running a remote command through sudo (sans I/O): the command line, and a
// watcher that answers sudo's own prompt (a unique string we set, so that no
// output of the command can trigger it, as fabric's watchers do) with the
// password once, and calls a second prompt what it is: a wrong password.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::ssh {

// A prompt no command prints by chance: "[asyncfetch-sudo-<random hex>] ".
std::string new_sudo_prompt();

// `sudo -p PROMPT [-u USER] -- sh -c 'exec </dev/null; COMMAND'`, with -S
// (password on stdin) unless there is a pty (sudo then reads the tty with
// echo off). The command's own stdin is /dev/null: what goes to sudo never
// reaches it.
std::string sudo_command(const std::string& command, const std::string& user,
                         const std::string& prompt, bool pty);

class sudo_watcher {
public:
    // password: nullopt when none was given (a prompt then stops the command).
    sudo_watcher(std::string prompt, std::optional<std::string> password);

    struct action {
        std::string reply; // bytes for the command's stdin (the password line)
        bool stop = false; // end the command: a second prompt, or no password to give
    };
    // Feeds output as it arrives (a prompt may be split between chunks).
    action feed(std::string_view chunk);

    int prompts() const noexcept { return prompts_; }
    bool wrong_password() const noexcept { return prompts_ > 1; }
    bool password_missing() const noexcept { return prompts_ > 0 && !password_; }
    const std::string& prompt() const noexcept { return prompt_; }

private:
    std::string prompt_;
    std::optional<std::string> password_;
    std::string tail_; // the end of the output so far, shorter than the prompt
    int prompts_ = 0;
};

// Removes every copy of the prompt from output kept for a record.
void remove_prompt(std::string& text, const std::string& prompt);

// sudo's own refusal in its stderr ("... is not in the sudoers file",
// "... is not allowed to execute ..."): the line, for the record's error.
std::optional<std::string> sudo_refusal(std::string_view output);

} // namespace asyncfetch::ssh
