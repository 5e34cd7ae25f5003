// The man page: each command's options as the CLI11 tree defines them, around
// fixed prose (exit status, environment, files, examples) in README's words.
#include "command_model.hpp"
#include "generate.hpp"

#include "asyncfetch/version.hpp"

#include <cctype>
#include <sstream>

namespace asyncfetch::cli {
namespace {

// Text made safe for roff: backslashes and hyphens escaped, and no line may
// start with a control character.
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        line_start = c == '\n';
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    return out;
}

std::string upper(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string synopsis_arguments(const command_doc& c) {
    std::string out;
    for (const auto& a : c.arguments) {
        auto name = "\\fI" + roff(upper(a.names.front())) + "\\fR";
        if (a.kind == value_kind::command) name = "\\-\\- " + name + "...";
        out += " " + (a.required ? name : "[" + name + "]");
    }
    return out;
}

void write_option(const option_doc& o, std::ostream& out) {
    out << ".TP\n";
    if (o.positional) {
        out << "\\fI" << roff(upper(o.names.front())) << "\\fR\n";
    } else {
        std::string tag;
        for (const auto& n : o.names)
            tag += (tag.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
        if (!o.flag) tag += " \\fI" + roff(o.metavar) + "\\fR";
        out << tag << "\n";
    }
    std::string text = o.description;
    if (!o.choices.empty()) {
        text += " (one of:";
        for (const auto& c : o.choices)
            text += " " + c;
        text += ")";
    }
    if (!o.default_value.empty()) text += " (default: " + o.default_value + ")";
    if (o.repeatable && !o.positional) text += " (repeatable)";
    out << roff(text) << "\n";
}

void write_command(const command_doc& c, std::ostream& out) {
    out << ".SS \"asyncfetch " << roff(c.name) << "\"\n";
    out << ".B asyncfetch " << roff(c.name) << "\n[\\fIOPTIONS\\fR]" << synopsis_arguments(c)
        << "\n.PP\n"
        << roff(c.description) << (c.description.ends_with('.') ? "\n" : ".\n");
    for (const auto& a : c.arguments)
        write_option(a, out);
    for (const auto& o : c.options)
        if (o.names.front() != "-h") write_option(o, out);
}

// Fixed prose, roff already.
constexpr const char* description = R"(.B asyncfetch
fetches many URLs and drives many SSH sessions concurrently from one thread:
a single\-threaded event loop runs coroutines that yield at every socket
operation.
HTTP(S) with Boost.Beast, SSH and SFTP with non\-blocking libssh2.
.PP
\fBfetch\fR is the default command:
.B asyncfetch urls.txt
is
.BR "asyncfetch fetch urls.txt" .
Input files hold one target a line; blank lines and lines starting with
\fB#\fR are skipped; \fB\-\fR reads standard input.
A malformed line stops the run before anything is done, naming
\fIFILE\fR:\fILINE\fR and the problem (exit 2); \fB\-\-keep\-going\fR records
such lines as errors and runs the rest.
.PP
Every target yields exactly one record: a JSON object a line on standard
output (or \fB\-o\fR \fIFILE\fR), in completion order; \fBerror\fR is null on
success, otherwise \fIphase\fR: \fImessage\fR.
Messages, a progress line (when standard error is a terminal: done/total,
ok/failed, rate, p50 latency, ETA; kept with \fB\-q\fR, dropped with
\fB\-\-no\-progress\fR) and a summary go to standard error.
Secrets (passwords, passphrases, header values) are never taken from the
command line: they come from files, the environment or a prompt.
)";

constexpr const char* tail = R"(.SH "EXIT STATUS"
.TP
.B 0
Every target succeeded.
.TP
.B 1
Some target failed (an HTTP status of 400 or more counts as a failure, as with
\fBcurl \-\-fail\fR; for \fBssh\fR, a non\-zero exit status), or records could
not be written.
.TP
.B 2
Usage or input error: a bad option, a malformed input line or config.
.TP
.B 130
Interrupted (SIGINT or SIGTERM): finished records are written, the rest are
recorded as cancelled (\fBrun\fR lets running jobs finish for \fB\-\-grace\fR
seconds and exits 0).
.SH ENVIRONMENT
.TP
.B SSH_AUTH_SOCK
The ssh\-agent tried first for SSH logins (\fB\-\-no\-agent\fR skips it).
.TP
.B HOME
Where \fI~/.ssh\fR and \fB~/\fR in config paths are found.
.TP
.B TZ
The local time zone of schedules with \fB"timezone": "local"\fR.
.PP
Secrets come from variables the user names: \fB\-\-header\-env\fR,
\fB\-\-password\-env\fR, \fB\-\-passphrase\-env\fR,
\fB\-\-redis\-password\-env\fR, and \fBpassword_env\fR in a config.
.SH FILES
.TP
.I ~/.ssh/known_hosts
Host keys checked for SSH (\fB\-\-known\-hosts\fR), with
\fB\-\-host\-key\-policy\fR.
.TP
.I ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa
Default SSH identities (\fB\-i\fR).
.TP
.I /etc/asyncfetch/config.json
The config the \fBasyncfetch\-run.service\fR systemd unit runs.
.TP
.I /usr/share/doc/asyncfetch/examples/
Example configs, URL and hosts files.
.SH EXAMPLES
.nf
asyncfetch urls.txt                      # = asyncfetch fetch urls.txt
asyncfetch urls.txt \-\-compare            # serial, then concurrent: both costs
asyncfetch urls.txt \-c 500 \-o out.jsonl  # 500 in flight, records to a file
asyncfetch crawl seeds.txt \-\-depth 2     # follow links, politely
asyncfetch ssh hosts.txt \-\- uptime       # a command on every host at once
asyncfetch put hosts.txt \-r ./conf /etc/myapp
asyncfetch get hosts.txt \-r /var/log/myapp logs
asyncfetch run config.json \-\-dry\-run     # next fire times of each job
.fi
.SH "SEE ALSO"
.BR curl (1),
.BR ssh (1),
.BR ssh_config (5),
.BR systemd.service (5)
)";

} // namespace

void write_man_page(const CLI::App& app, std::ostream& out) {
    const auto commands = describe_subcommands(app);
    out << ".\\\" Generated by `asyncfetch " << generate_flag
        << " man` from the command-line definitions; do not edit.\n"
        << ".TH ASYNCFETCH 1 \"\" \"asyncfetch " << version << "\" \"User Commands\"\n"
        << ".nh\n.ad l\n"
        << ".SH NAME\nasyncfetch \\- fetch many URLs and drive many SSH sessions at once\n"
        << ".SH SYNOPSIS\n.B asyncfetch\n[\\fIOPTIONS\\fR] \\fIFILE\\fR\n.br\n";
    for (const auto& c : commands)
        out << ".B asyncfetch " << roff(c.name) << "\n[\\fIOPTIONS\\fR]" << synopsis_arguments(c)
            << "\n.br\n";
    out << ".SH DESCRIPTION\n" << description << ".SH OPTIONS\n";
    for (const auto& o : describe_command(app).options)
        write_option(o, out);
    out << ".SH COMMANDS\n";
    for (const auto& c : commands)
        write_command(c, out);
    out << tail;
}

} // namespace asyncfetch::cli
