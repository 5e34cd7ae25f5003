#include "asyncfetch/schedule/config.hpp"

#include "config_keys.hpp"
#include "job_options.hpp"
#include "json_checker.hpp"

#include "asyncfetch/app/fetch.hpp"
#include "asyncfetch/app/host_targets.hpp"
#include "asyncfetch/core/text.hpp"
#include "asyncfetch/schedule/output_names.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace asyncfetch::schedule {
namespace {

// How deep objects and arrays may nest in a config (a real one uses 4).
constexpr int max_config_depth = 32;

void read_schedule(checker& ck, const json& j, const std::string& path, schedule_spec& s) {
    if (!j.is_object()) {
        ck.problem(path, "expected an object such as {\"every\": \"15m\"}, got " + describe(j));
        return;
    }
    ck.unknown_keys(j, path, {"cron", "every", "jitter", "timezone", "overlap"},
                    "(use cron or every, jitter, timezone, overlap)");
    const bool has_cron = j.contains("cron"), has_every = j.contains("every");
    if (has_cron == has_every) ck.problem(path, "give exactly one of \"cron\" and \"every\"");
    std::string text;
    std::string zone = "UTC";
    if (ck.string(j, path, "timezone", zone) && zone != "UTC" && zone != "local")
        ck.problem(path + ".timezone", "'" + zone + "' is not UTC or local");
    s.zone = zone == "local" ? time_zone::local : time_zone::utc;
    if (ck.string(j, path, "cron", text)) {
        auto cron = cron_expr::parse(text);
        if (!cron)
            ck.problem(path + ".cron", cron.problem());
        else if (!cron->next_after(
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
                     s.zone))
            ck.problem(path + ".cron", "'" + text + "' never fires (no such date in 30 years)");
        else
            s.cron = std::move(*cron);
    }
    if (ck.duration(j, path, "every", s.every) && s.every < std::chrono::seconds(1))
        ck.problem(path + ".every", "must be at least 1s");
    if (ck.duration(j, path, "jitter", s.jitter) && has_every && s.jitter >= s.every &&
        s.every.count() > 0)
        ck.problem(path + ".jitter", "must be shorter than every");
    std::string overlap = "skip";
    if (ck.string(j, path, "overlap", overlap) && overlap != "skip" && overlap != "queue")
        ck.problem(path + ".overlap", "'" + overlap + "' is not skip or queue");
    s.overlap = overlap == "queue" ? overlap_policy::queue : overlap_policy::skip;
}

std::optional<job_type> type_of(const std::string& kind) {
    for (auto t : {job_type::fetch, job_type::crawl, job_type::ssh, job_type::put, job_type::get,
                   job_type::local})
        if (kind == type_name(t)) return t;
    return std::nullopt;
}

bool required(checker& ck, const json& j, const std::string& path, const char* key) {
    if (j.contains(key)) return true;
    ck.problem(path, std::string("missing \"") + key + "\"");
    return false;
}

void read_job(checker& ck, const json& j, const std::string& path, job_spec& job) {
    if (!j.is_object()) {
        ck.problem(path, "expected an object, got " + describe(j));
        return;
    }
    if (required(ck, j, path, "name") && ck.string(j, path, "name", job.name) &&
        !std::regex_match(job.name, std::regex("[A-Za-z0-9._-]+")))
        ck.problem(path + ".name",
                   "'" + job.name + "' may use only letters, digits, '.', '_', '-'");
    std::string kind;
    if (!required(ck, j, path, "kind") || !ck.string(j, path, "kind", kind)) return;
    const auto type = type_of(kind);
    if (!type) {
        ck.problem(path + ".kind", "'" + kind + "' is not fetch, crawl, ssh, put, get or local");
        return;
    }
    job.type = *type;
    ck.unknown_keys(j, path, allowed_keys(job.type), "for a " + kind + " job");

    if (required(ck, j, path, "targets")) {
        const auto& t = j["targets"];
        if (t.is_string())
            ck.file_path(j, path, "targets", job.targets_file);
        else
            ck.strings(j, path, "targets", job.inline_targets);
    }
    if (const auto* s = ck.find(j, "schedule"))
        read_schedule(ck, *s, path + ".schedule", job.schedule.emplace());
    job.output = "{job}.jsonl";
    ck.string(j, path, "output", job.output);
    for (std::size_t at = job.output.find('{'); at != std::string::npos;
         at = job.output.find('{', at + 1)) {
        const auto word = job.output.substr(at, job.output.find('}', at) - at + 1);
        if (word != "{job}" && word != "{time}" && word != "{run}")
            ck.problem(path + ".output",
                       "unknown placeholder '" + word + "' (use {job}, {time} and {run})");
    }
    job.output = ck.resolve(job.output);
    ck.boolean(j, path, "keep_going", job.keep_going);
    ck.integer(j, path, "concurrency", job.run.concurrency, 1, 1000000);
    ck.integer(j, path, "processes", job.run.processes, 1, 256);
    ck.boolean(j, path, "ordered", job.run.ordered);
    read_stop_early(ck, j, path, job.run);

    switch (job.type) {
    case job_type::crawl:
        job.client.per_host = crawl::polite_per_host; // a fetch job has no per-host limit
        read_crawl(ck, j, path, job.crawl);
        [[fallthrough]];
    case job_type::fetch:
        read_http(ck, j, path, job.client);
        if (job.type == job_type::fetch) read_request(ck, j, path, job.client);
        if (!job.client.cookie_jar.empty() && job.run.processes > 1)
            ck.problem(path + ".cookie_jar", "not with processes above 1 (each process keeps "
                                             "its own cookies)");
        break;
    case job_type::ssh:
        read_ssh(ck, j, path, job.exec.ssh);
        read_exec_mode(ck, j, path, job.exec);
        if (required(ck, j, path, "command")) ck.string(j, path, "command", job.exec.command);
        ck.file_path(j, path, "out_dir", job.exec.ssh.out_dir);
        break;
    case job_type::put:
    case job_type::get: {
        auto& t = job.transfer;
        read_ssh(ck, j, path, t.ssh);
        t.direction =
            job.type == job_type::put ? app::transfer_config::put : app::transfer_config::get;
        // The local side is taken from the config's directory; the remote as given.
        if (required(ck, j, path, "source")) {
            if (job.type == job_type::put)
                ck.file_path(j, path, "source", t.source);
            else
                ck.string(j, path, "source", t.source);
        }
        if (required(ck, j, path, "destination")) {
            if (job.type == job_type::get)
                ck.file_path(j, path, "destination", t.destination);
            else
                ck.string(j, path, "destination", t.destination);
        }
        ck.boolean(j, path, "recursive", t.recursive);
        ck.boolean(j, path, "update", t.update);
        ck.boolean(j, path, "checksum", t.checksum);
        ck.boolean(j, path, "resume", t.resume);
        ck.boolean(j, path, "fsync", t.fsync);
        break;
    }
    case job_type::local:
        read_local(ck, j, path, job.local);
        break;
    }
    job.local.keep_going = job.keep_going;
    job.exec.ssh.keep_going = job.transfer.ssh.keep_going = job.keep_going;
}

// "FILE:LINE:COLUMN: what" for a JSON syntax error.
std::string syntax_problem(const std::string& file, const std::string& text,
                           const json::parse_error& e) {
    const auto upto = text.substr(0, std::min<std::size_t>(e.byte ? e.byte - 1 : 0, text.size()));
    const auto line = 1 + std::count(upto.begin(), upto.end(), '\n');
    const auto column =
        upto.size() - (upto.rfind('\n') == std::string::npos ? 0 : upto.rfind('\n') + 1) + 1;
    std::string what = e.what();
    if (const auto colon = what.find(": "); colon != std::string::npos)
        what = what.substr(colon + 2);
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what;
}

} // namespace

const char* type_name(job_type t) {
    switch (t) {
    case job_type::fetch:
        return "fetch";
    case job_type::crawl:
        return "crawl";
    case job_type::ssh:
        return "ssh";
    case job_type::put:
        return "put";
    case job_type::get:
        return "get";
    case job_type::local:
        return "local";
    }
    return "?";
}

job_targets read_job_targets(const config& c, const job_spec& job) {
    const bool urls = job.type == job_type::fetch || job.type == job_type::crawl;
    // Hosts may be node sets (web[01-20]), expanded after the lines are read.
    auto validate = urls ? target_validator(app::url_line_problem) : target_validator();
    if (job.type == job_type::fetch) validate = app::request_line_problem;
    if (job.type == job_type::local) validate = app::placeholder_fit(job.local);
    job_targets out;
    if (!job.targets_file.empty()) {
        out = {read_targets_file(job.targets_file, validate), job.targets_file};
    } else {
        std::string lines;
        for (const auto& t : job.inline_targets)
            lines += t + "\n";
        std::istringstream in(lines);
        out = {read_targets(in, validate), c.path + ": jobs[" + job.name + "].targets"};
    }
    const bool unreadable = !out.input.problems.empty() && out.input.problems.front().line == 0;
    if (!urls && job.type != job_type::local && !unreadable)
        app::expand_host_lines(out.input, nullptr, app::host_line_problem);
    return out;
}

app::job_kind make_job_kind(const job_spec& job) {
    switch (job.type) {
    case job_type::fetch:
        return app::fetch_job(job.client);
    case job_type::crawl:
        return app::crawl_job(job.client, job.crawl);
    case job_type::ssh:
        return app::exec_job(std::make_shared<app::exec_config>(job.exec));
    case job_type::put:
    case job_type::get:
        return app::transfer_job(std::make_shared<app::transfer_config>(job.transfer));
    case job_type::local:
        return app::local_job(std::make_shared<app::local_config>(job.local));
    }
    return {};
}

loaded_config load_config(const std::string& path) {
    loaded_config out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.problems.push_back(path + ": cannot read the config file");
        return out;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    json j;
    // A config is a few levels deep; a bound on nesting keeps a hostile file
    // from exhausting the stack of whatever walks the tree (dump, the checks).
    struct too_deep {};
    const json::parser_callback_t bound_depth = [](int depth, json::parse_event_t event, json&) {
        if (depth > max_config_depth && (event == json::parse_event_t::object_start ||
                                         event == json::parse_event_t::array_start))
            throw too_deep{};
        return true;
    };
    try {
        j = json::parse(text, bound_depth, true, /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        out.problems.push_back(printable(syntax_problem(path, text, e)));
        return out;
    } catch (const too_deep&) {
        out.problems.push_back(path + ": objects and arrays nested more than " +
                               std::to_string(max_config_depth) + " deep");
        return out;
    } catch (const json::out_of_range& e) { // a number beyond a double ("1e999")
        std::string what = e.what();
        if (const auto end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
        out.problems.push_back(path + ": " + what);
        return out;
    }
    const auto dir = fs::absolute(path).parent_path();
    checker ck(out.problems, path, dir);
    config c;
    c.path = path;
    if (!j.is_object()) {
        ck.problem("(top)", "expected an object with \"jobs\", got " + describe(j));
        return out;
    }
    ck.unknown_keys(j, "(top)", {"jobs", "run_log"}, "(use jobs, run_log)");
    c.run_log = (dir / (fs::path(path).stem().string() + ".runs.jsonl")).string();
    ck.file_path(j, "(top)", "run_log", c.run_log);
    const auto* jobs = ck.find(j, "jobs");
    if (!jobs || !jobs->is_array() || jobs->empty()) {
        ck.problem("jobs", "expected a non-empty array of jobs");
        return out;
    }
    std::set<std::string> names;
    std::vector<std::string> job_paths; // "jobs[N]" of each job in c.jobs
    for (std::size_t i = 0; i < jobs->size(); ++i) {
        const auto where = "jobs[" + std::to_string(i) + "]";
        job_spec job;
        const auto before = ck.count();
        read_job(ck, (*jobs)[i], where, job);
        if (!job.name.empty() && !names.insert(job.name).second)
            ck.problem(where + ".name", "'" + job.name + "' is already the name of another job");
        if (ck.count() != before) continue;
        // The targets must be readable and well-formed now, not at 3 a.m.
        auto targets = read_job_targets(c, job);
        const bool unreadable =
            !targets.input.problems.empty() && targets.input.problems.front().line == 0;
        if (unreadable || (!targets.input.problems.empty() && !job.keep_going)) {
            for (const auto& p : targets.input.problems) {
                if (job.targets_file.empty())
                    ck.problem(where + ".targets[" + std::to_string(p.line - 1) + "]", p.message);
                else // "FILE:LINE: problem" as for the command line
                    out.problems.push_back(job.targets_file +
                                           (p.line ? ":" + std::to_string(p.line) : "") + ": " +
                                           p.message + " (" + where + ".targets)");
            }
        }
        c.jobs.push_back(std::move(job));
        job_paths.push_back(where);
    }
    // One job's run must never replace another's output (or the run log).
    for (std::size_t i = 0; i < c.jobs.size(); ++i) {
        const auto& later = c.jobs[i];
        for (std::size_t k = 0; k < i; ++k) {
            const auto& earlier = c.jobs[k];
            if (outputs_can_collide(earlier.output, earlier.name, later.output, later.name))
                ck.problem(job_paths[i] + ".output", "can name the same file as " + job_paths[k] +
                                                         ".output ('" + later.output + "' and '" +
                                                         earlier.output + "')");
        }
        if (outputs_can_collide(c.run_log, "", later.output, later.name))
            ck.problem(job_paths[i] + ".output", "can name the run log '" + c.run_log + "'");
    }
    if (out.problems.empty()) out.value = std::move(c);
    return out;
}

} // namespace asyncfetch::schedule
