#include "ssh_exec_mode.hpp"

namespace asyncfetch::app {

exec_mode prepare_exec_mode(const exec_config& config, ssh::exec_options& options) {
    options.pty = config.pty;
    exec_mode mode;
    if (!config.sudo) {
        mode.command = config.command;
        return mode;
    }
    // A fresh prompt per host: nothing the command prints can be taken for it.
    const auto prompt = ssh::new_sudo_prompt();
    mode.command = ssh::sudo_command(config.command, config.sudo_user, prompt, config.pty);
    mode.sudo = std::make_shared<ssh::sudo_watcher>(prompt, config.sudo_password);
    // Without a pty sudo -S prompts on stderr; with one, on the tty (stdout).
    options.respond = [watcher = mode.sudo, pty = config.pty](bool is_err, std::string_view chunk) {
        ssh::exec_options::answer answer;
        if (is_err == pty) return answer;
        auto seen = watcher->feed(chunk);
        answer.reply = std::move(seen.reply);
        answer.stop = seen.stop;
        return answer;
    };
    // --stream shows output as it arrives: without sudo's prompt (sudo
    // writes it in one piece).
    if (options.on_output) {
        options.on_output = [show = std::move(options.on_output), prompt](bool is_err,
                                                                          std::string_view chunk) {
            if (chunk.find(prompt) == std::string_view::npos) return show(is_err, chunk);
            std::string text(chunk);
            ssh::remove_prompt(text, prompt);
            if (!text.empty()) show(is_err, text);
        };
    }
    return mode;
}

std::string finish_exec_mode(const exec_config& config, const exec_mode& mode,
                             ssh::exec_result& result) {
    if (!mode.sudo) return {};
    const auto& watcher = *mode.sudo;
    ssh::remove_prompt(result.out, watcher.prompt());
    ssh::remove_prompt(result.err, watcher.prompt());
    if (watcher.password_missing())
        return "sudo asked for a password: give --sudo-password-env, --sudo-password-file or "
               "--ask-sudo-password";
    if (watcher.wrong_password())
        return "sudo: wrong password (sudo asked again; the command did not run)";
    // sudo's own refusal, on stderr (or the pty's merged stream): only when
    // sudo itself failed, not when the command printed the same words.
    if (result.exit_status == 1) {
        const auto refusal = ssh::sudo_refusal(config.pty ? result.out : result.err);
        if (refusal) return "sudo refused: " + *refusal;
    }
    return {};
}

} // namespace asyncfetch::app
