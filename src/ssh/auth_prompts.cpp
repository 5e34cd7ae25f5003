#include "asyncfetch/ssh/auth_prompts.hpp"

#include "asyncfetch/core/text.hpp"

namespace asyncfetch::ssh {

bool is_password_prompt(std::string_view text, bool echo) {
    if (echo) return false;
    const auto t = lower(text);
    if (t.find("password") == std::string::npos) return false;
    // A password change ("New password:", "Retype new password:") or a
    // one-time password must not get the account's password.
    for (const char* other : {"new ", "retype", "again", "one-time", "one time", "otp"})
        if (t.find(other) != std::string::npos) return false;
    return true;
}

kbd_round answer_kbd_round(const std::vector<kbd_prompt>& prompts,
                           const std::optional<std::string>& password, const prompt_asker* ask) {
    kbd_round round;
    for (const auto& p : prompts) {
        if (password && is_password_prompt(p.text, p.echo)) {
            round.answers.push_back(*password);
            continue;
        }
        if (ask && *ask) {
            if (auto answer = (*ask)(p)) {
                round.answers.push_back(std::move(*answer));
                continue;
            }
        }
        round.answers.emplace_back();
        // Bounded: the text goes into the host's error record.
        if (round.unanswerable.empty()) round.unanswerable = printable(trim(p.text).substr(0, 200));
    }
    return round;
}

} // namespace asyncfetch::ssh
