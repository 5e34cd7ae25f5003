// ssh, put and get: a command, or an SFTP copy, on every host of a hosts file.
#include "commands.hpp"
#include "ssh_flags.hpp"

#include "asyncfetch/core/secret_source.hpp"

#include <tuple>

namespace asyncfetch::cli {
namespace {

// The hosts file, the run and the session: what every SSH command takes.
struct ssh_flags {
    app::ssh_config config;
    run_flags run;
    ssh_session_flags session;
    CLI::Option* old_timeout = nullptr; // -t, kept for one release
    CLI::Option* hosts = nullptr;       // the HOSTS argument
};

void add_ssh_options(CLI::App& cmd, ssh_flags& f, const std::string& timeout_help) {
    auto& c = f.config;
    f.hosts = cmd.add_option("hosts", c.hosts_file,
                             "File with one [user@]host[:port] per line ('-' for stdin); "
                             "lines may be node sets (web[01-20], @group). Left out with -H");
    cmd.add_option("-H,--hosts", c.host_sets,
                   "Hosts as a node set instead of a file: a,b,c, web[01-20], 10.0.0.[1-9], "
                   "@group (repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("-x,--exclude", c.excluded,
                   "Leave out these hosts (a node set: names, ranges, @group; repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--groups", c.groups_file,
                   "Node groups file, 'NAME: NODESET...' lines, for @NAME (default "
                   "~/.config/asyncfetch/groups if it exists)")
        ->check(CLI::ExistingFile);
    add_run_options(cmd, c.run, f.run, "host");
    cmd.add_flag("--keep-going", c.keep_going,
                 "Record malformed hosts lines as errors and run the rest");
    add_ssh_session_options(cmd, c, f.session);
    add_duration(cmd, "--timeout", c.command_timeout, zero::allowed, timeout_help);
    // ssh users read -t as "allocate a pty": the timeout's short spelling
    // stays hidden for one release.
    f.old_timeout = add_duration(cmd, "-t", c.command_timeout, zero::allowed, "")->group("");
}

// With -H there is no HOSTS argument: the words CLI11 put there (positionals
// fill in order) belong to the next ones. `rest`: those after HOSTS, in order.
void finish_ssh_options(ssh_flags& f, const std::vector<std::string*>& rest) {
    if (f.old_timeout->count() > 0) deprecated_spelling("-t", "--timeout");
    auto& c = f.config;
    if (!c.host_sets.empty()) {
        if (f.hosts->count() > 0) {
            // Shift each value one place along; the last spills into the command.
            std::string carry = c.hosts_file;
            for (auto* next : rest)
                std::swap(carry, *next);
            if (!carry.empty()) throw CLI::ExtrasError({carry});
        }
        c.hosts_file.clear();
    } else if (f.hosts->count() == 0) {
        throw CLI::RequiredError("HOSTS (a hosts file) or -H");
    }
    finish_run_options(f.config.run, f.run);
    finish_ssh_session_options(f.config, f.session);
}

class ssh_command : public command {
public:
    explicit ssh_command(CLI::App& app)
        : command(app.add_subcommand("ssh", "Run a command on every host in HOSTS at once: "
                                            "asyncfetch ssh HOSTS -- CMD...")) {}
    void define() override {
        auto& c = flags_.config;
        add_ssh_options(*app_, flags_, "How long the command may run (0: no limit)");
        app_->add_option("--out-dir", c.out_dir,
                         "Write each host's stdout and stderr to DIR/HOST.out and .err");
        app_->add_flag("--stream", c.stream,
                       "Print output lines as they arrive, prefixed with the host");
        app_->add_flag("--group", exec_.group,
                       "After the run, print each distinct output once under its hosts "
                       "folded (web[01-07,09]), as clush -b");
        app_->add_option("--stdin", exec_.stdin_path,
                         "Send FILE ('-': this stdin) to every command's stdin, then EOF "
                         "(default: EOF at once); up to 64 MiB");
        app_->add_flag("--pty", exec_.pty,
                       "Give the command a pseudo-terminal (as ssh -t): stdout and stderr arrive "
                       "merged in stdout; a timeout hangs the command up");
        app_->add_flag("--sudo", exec_.sudo,
                       "Run the command through sudo (as root, or --sudo-user); sudo's own "
                       "prompt is answered with the sudo password");
        sudo_user_ = app_->add_option("--sudo-user", exec_.sudo_user,
                                      "Run the command as USER through sudo (implies --sudo)");
        // Secrets come from the environment, a file or the terminal, never argv.
        add_parsed(*app_, "--sudo-password-env", exec_.sudo_password, secret_from_env,
                   "Take the sudo password from this environment variable");
        add_parsed(*app_, "--sudo-password-file", exec_.sudo_password, secret_from_file,
                   "Take the sudo password from the first line of FILE")
            ->check(CLI::ExistingFile);
        app_->add_flag("--ask-sudo-password", ask_sudo_password_,
                       "Prompt for the sudo password once, before connecting");
        app_->add_option("command", words_, "The command (after --)");
    }
    void finish() override {
        // With -H, the word taken for HOSTS is the command's first.
        if (!flags_.config.host_sets.empty() && flags_.hosts->count() > 0) {
            words_.insert(words_.begin(), flags_.config.hosts_file);
            flags_.config.hosts_file.clear();
        }
        finish_ssh_options(flags_, {});
        if (words_.empty()) throw CLI::RequiredError("command");
        // With --stream or --group, stdout carries the output: records only with -o.
        if ((flags_.config.stream || exec_.group) && flags_.run.output.empty())
            flags_.config.run.output.path = "none";
        exec_.ssh = flags_.config;
        if (sudo_user_->count() > 0) exec_.sudo = true;
        if (!exec_.sudo && (exec_.sudo_password || ask_sudo_password_))
            throw CLI::ValidationError("--sudo-password-*", "a sudo password needs --sudo");
        if (exec_.sudo && !exec_.stdin_path.empty())
            throw CLI::ValidationError("--stdin", "not with --sudo (sudo's password goes there)");
        if (ask_sudo_password_) exec_.sudo_password = ask_secret("sudo password: ");
        for (const auto& word : words_)
            exec_.command += (exec_.command.empty() ? "" : " ") + word;
    }
    int run() override { return app::run_ssh(exec_); }

private:
    ssh_flags flags_;
    app::exec_config exec_;
    std::vector<std::string> words_;
    CLI::Option* sudo_user_ = nullptr;
    bool ask_sudo_password_ = false;
};

// put / get: SFTP copies to or from every host.
class transfer_command : public command {
public:
    transfer_command(CLI::App& app, app::transfer_config::kind direction)
        : command(direction == app::transfer_config::put
                      ? app.add_subcommand("put", "Copy a local file or tree (-r) to every host "
                                                  "over SFTP: asyncfetch put HOSTS LOCAL REMOTE")
                      : app.add_subcommand(
                            "get", "Copy a remote file or tree (-r) from every host over SFTP "
                                   "into LOCALDIR/<host>/: asyncfetch get HOSTS REMOTE LOCALDIR")) {
        config_.direction = direction;
    }
    void define() override {
        add_ssh_options(*app_, flags_, "How long the copy may take per host (0: no limit)");
        if (config_.direction == app::transfer_config::put) {
            app_->add_option("local", config_.source, "Local file, or directory with -r");
            app_->add_option("remote", config_.destination,
                             "Remote path; an existing remote directory receives LOCAL under "
                             "its own name");
        } else {
            app_->add_option("remote", config_.source, "Remote file, or directory with -r");
            app_->add_option("localdir", config_.destination,
                             "Local directory; each host's copy goes in LOCALDIR/<host>/");
        }
        app_->add_flag("-r,--recursive", config_.recursive, "Copy directories and their contents");
        app_->add_flag("-u,--update", config_.update,
                       "Skip files whose copy has the same size and modification time (rsync's "
                       "quick check; times are kept on every copy)");
        app_->add_flag("--checksum", config_.checksum,
                       "Skip files whose copy has the same size and SHA-256 (remote side: "
                       "sha256sum over exec, else read back through SFTP)");
        app_->add_flag("--resume", config_.resume,
                       "Go on from the partial copy (.NAME.af-part-resume) an interrupted run "
                       "left, if it is a prefix of the source (its SHA-256 checked with "
                       "--checksum)");
        app_->add_flag("--fsync", config_.fsync,
                       "Flush each file to disk before it takes its name (put: fsync@openssh.com "
                       "when the server offers it), as rsync --fsync");
    }
    void finish() override {
        finish_ssh_options(flags_, {&config_.source, &config_.destination});
        const bool put = config_.direction == app::transfer_config::put;
        if (config_.source.empty()) throw CLI::RequiredError(put ? "local" : "remote");
        if (config_.destination.empty()) throw CLI::RequiredError(put ? "remote" : "localdir");
        config_.ssh = flags_.config;
    }
    int run() override { return app::run_transfer(config_); }

private:
    ssh_flags flags_;
    app::transfer_config config_;
};

} // namespace

void add_ssh_commands(CLI::App& app, command_list& out) {
    out.push_back(std::make_unique<ssh_command>(app));
    out.push_back(std::make_unique<transfer_command>(app, app::transfer_config::put));
    out.push_back(std::make_unique<transfer_command>(app, app::transfer_config::get));
}

} // namespace asyncfetch::cli
