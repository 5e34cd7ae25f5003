#include "asyncfetch/app/local.hpp"

#include "asyncfetch/app/failed_targets.hpp"

#include "asyncfetch/core/run_command.hpp"
#include "asyncfetch/core/text.hpp"
#include "asyncfetch/http/url.hpp"
#include "asyncfetch/ssh/hosts.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace asio = boost::asio;

namespace asyncfetch::app {
namespace {

using json = nlohmann::ordered_json;

enum class slot { whole, host, url };

// A word as literal text and placeholders.
struct piece {
    std::string literal;
    std::optional<slot> placeholder;
};

bool is_name(std::string_view s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

parsed<std::vector<piece>> pieces_of(std::string_view word) {
    std::vector<piece> out(1);
    for (std::size_t i = 0; i < word.size(); ++i) {
        // "${VAR}" is the shell's, not a placeholder.
        if (word[i] != '{' || (i > 0 && word[i - 1] == '$')) {
            out.back().literal += word[i];
            continue;
        }
        if (i + 1 < word.size() && word[i + 1] == '{') { // "{{": a literal '{'
            out.back().literal += '{';
            ++i;
            continue;
        }
        const auto close = word.find('}', i);
        const auto inner = close == std::string_view::npos ? std::string_view("{")
                                                           : word.substr(i + 1, close - i - 1);
        std::optional<slot> found;
        if (close != std::string_view::npos && inner.empty()) found = slot::whole;
        if (inner == "host") found = slot::host;
        if (inner == "url") found = slot::url;
        if (!found && is_name(inner))
            return problem("unknown placeholder {" + std::string(inner) + "} in '" +
                           printable(word) +
                           "' (use {}, {host} or {url}; write {{ for a literal {)");
        if (!found) {
            out.back().literal += '{'; // shell or awk braces: kept as written
            continue;
        }
        out.back().placeholder = found;
        out.emplace_back();
        i = close;
    }
    return out;
}

// A value as one single-quoted shell word.
std::string shell_quoted(std::string_view value) {
    std::string out = "'";
    for (char c : value)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

parsed<std::string> host_in(std::string_view target) {
    if (target.find("://") != std::string_view::npos) {
        if (auto url = http::parse_url(target)) return url->host;
    } else if (auto h = ssh::parse_host_line(target)) {
        return h->host;
    }
    return problem("no host in '" + printable(target) + "' for {host}");
}

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

// {"target","command","exit_status","signal","stdout","stderr","start_ms","elapsed_ms","error"}
record local_record(std::string_view target, const std::vector<std::string>& argv,
                    const command_result* res, std::string error, double elapsed_ms) {
    record r;
    r.error = std::move(error);
    const bool ran = res && r.error.empty();
    r.result = ran && res->exit_status == 0 ? outcome::ok : outcome::failed;
    r.elapsed_ms = elapsed_ms;
    r.bytes = res ? res->out_bytes + res->err_bytes : 0;
    auto& f = r.fields;
    f["target"] = target;
    f["command"] = argv;
    f["exit_status"] = res && res->signal.empty() ? json(res->exit_status) : json(nullptr);
    f["signal"] = res && !res->signal.empty() ? json(res->signal) : json(nullptr);
    f["stdout"] = res ? res->out : "";
    f["stderr"] = res ? res->err : "";
    f["start_ms"] = nullptr; // set by the runner: ms from the run's start
    f["elapsed_ms"] = std::round(elapsed_ms * 1000) / 1000;
    f["error"] = r.error.empty() ? json(nullptr) : json(r.error);
    return r;
}

std::string timeout_text(const local_config& c, const command_result& res) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "command: timed out after %.1f s (--timeout); its process group got %s",
                  std::chrono::duration<double>(c.timeout).count(), res.sent_signals.c_str());
    return text;
}

} // namespace

std::optional<std::string> command_problem(const std::vector<std::string>& words) {
    if (words.empty()) return "no command given (asyncfetch local TARGETS -- CMD {})";
    for (const auto& w : words)
        if (auto p = pieces_of(w); !p) return p.problem();
    return std::nullopt;
}

parsed<std::vector<std::string>> command_for(const local_config& config, std::string_view target) {
    std::vector<std::string> words;
    bool any_placeholder = false;
    for (const auto& w : config.command) {
        auto pieces = pieces_of(w);
        if (!pieces) return problem(pieces.problem());
        std::string word;
        for (const auto& p : *pieces) {
            word += p.literal;
            if (!p.placeholder) continue;
            any_placeholder = true;
            std::string value(target);
            if (*p.placeholder == slot::host) {
                auto host = host_in(target);
                if (!host) return problem(host.problem());
                value = *host;
            } else if (*p.placeholder == slot::url && !http::parse_url(target)) {
                return problem("'" + printable(target) + "' is not an http(s) URL (for {url})");
            }
            word += config.shell ? shell_quoted(value) : value;
        }
        words.push_back(std::move(word));
    }
    if (!any_placeholder)
        words.push_back(config.shell ? shell_quoted(target) : std::string(target));
    if (!config.shell) return words;
    std::string script;
    for (const auto& w : words)
        script += (script.empty() ? "" : " ") + w;
    return std::vector<std::string>{"/bin/sh", "-c", script, "sh"};
}

target_validator placeholder_fit(const local_config& config) {
    return [config](std::string_view text) -> std::optional<std::string> {
        auto argv = command_for(config, text);
        if (argv) return std::nullopt;
        return argv.problem();
    };
}

job_kind local_job(std::shared_ptr<const local_config> config) {
    job_kind kind;
    kind.bytes_verb = "of output";
    kind.make_operation = [config](asio::any_io_executor) {
        operation on_target = [config](const target& t) -> asio::awaitable<record> {
            const auto& c = *config;
            const auto start = std::chrono::steady_clock::now();
            auto argv = command_for(c, t.text);
            if (!argv) co_return local_record(t.text, {}, nullptr, argv.problem(), 0);
            command_options options;
            options.timeout = c.timeout;
            options.kill_grace = c.kill_grace;
            command_result res; // kept on a timeout: the output so far goes in the record
            const auto failed_start = co_await run_command(*argv, options, res);
            std::string error;
            if (failed_start)
                error = "cannot run '" + printable(argv->front()) + "': " + failed_start.message();
            else if (res.timed_out)
                error = timeout_text(c, res);
            co_return local_record(t.text, *argv, failed_start ? nullptr : &res, std::move(error),
                                   ms_since(start));
        };
        return std::make_pair(std::move(on_target), std::shared_ptr<void>());
    };
    kind.error_record = [config](const std::string& text, std::string error, outcome result) {
        auto argv = command_for(*config, text);
        auto r = local_record(text, argv ? *argv : std::vector<std::string>{}, nullptr,
                              std::move(error), 0);
        r.result = result;
        return r;
    };
    report_failed_targets(
        kind, [](const target& t) { return printable(t.text); }, command_failure_reason, "target");
    return kind;
}

int run_local(const local_config& config) {
    if (auto p = command_problem(config.command)) {
        std::fprintf(stderr, "asyncfetch: local: %s\n", p->c_str());
        return exit_usage;
    }
    auto shared = std::make_shared<const local_config>(config);
    // Every target must fill the placeholders before anything runs.
    input_file input;
    if (!read_input(config.targets_file, placeholder_fit(config), config.keep_going, input))
        return exit_usage;
    return run_targets(config.run, local_job(shared), input.targets, input.problems);
}

} // namespace asyncfetch::app
