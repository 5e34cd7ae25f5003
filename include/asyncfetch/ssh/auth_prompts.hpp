// Answers to one keyboard-interactive round (RFC 4256). libssh2 asks for them
// from a synchronous callback: a run over many hosts answers password prompts
// with the password it was given and fails a host whose server asks anything
// else (an OTP), unless the run was given an asker (--askpass), which answers
// the other prompts (at the terminal: the whole run waits meanwhile).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::ssh {

struct kbd_prompt {
    std::string text;
    bool echo = false; // the server wants the answer shown as it is typed: not a secret
};

struct kbd_round {
    std::vector<std::string> answers; // one per prompt, empty where none can be given
    std::string unanswerable;         // the first prompt that cannot be answered (printable)
};

// A prompt for the account's password: it names "password" (any case), is not
// echoed, and asks neither for a new password nor for a one-time one.
bool is_password_prompt(std::string_view text, bool echo);

// Answers a prompt that is not the password's; nullopt: it cannot.
using prompt_asker = std::function<std::optional<std::string>(const kbd_prompt&)>;

// The answers to `prompts`: the password to each password prompt, and what
// `ask` (when given) says to the others.
kbd_round answer_kbd_round(const std::vector<kbd_prompt>& prompts,
                           const std::optional<std::string>& password,
                           const prompt_asker* ask = nullptr);

} // namespace asyncfetch::ssh
