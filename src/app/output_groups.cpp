#include "asyncfetch/app/output_groups.hpp"

#include "asyncfetch/core/nodeset.hpp"
#include "asyncfetch/core/text.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace asyncfetch::app {
namespace {

std::string ending(const record& r) {
    const auto& f = r.fields;
    if (!r.error.empty()) return "error: " + r.error;
    if (f.contains("signal") && f["signal"].is_string())
        return "signal " + f["signal"].get<std::string>();
    if (f.contains("exit_status") && f["exit_status"].is_number())
        return "exit status " + std::to_string(f["exit_status"].get<int>());
    return "no exit status";
}

std::string text_field(const record& r, const char* name) {
    const auto& f = r.fields;
    return f.contains(name) && f[name].is_string() ? f[name].get<std::string>() : "";
}

// Output as it reads on a terminal: control bytes shown, a last newline added.
std::string block(const std::string& text) {
    if (text.empty()) return "";
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        // Control bytes shown as \xNN (tabs kept): output cannot rewrite the terminal.
        for (const char c : std::string_view(text).substr(start, end - start))
            out += c == '\t' ? std::string(1, c) : printable(std::string_view(&c, 1));
        out += '\n';
        start = end + 1;
    }
    return out;
}

} // namespace

void output_groups::add(const std::string& host, const record& r) {
    hosts_[{text_field(r, "stdout"), text_field(r, "stderr"), ending(r)}].push_back(host);
}

std::string output_groups::format() const {
    struct group {
        std::string names;
        std::size_t count;
        const key* what;
    };
    std::vector<group> groups;
    for (const auto& [what, hosts] : hosts_)
        groups.push_back({nodeset::fold(hosts), hosts.size(), &what});
    std::sort(groups.begin(), groups.end(), [](const group& a, const group& b) {
        return a.count != b.count ? a.count > b.count : a.names < b.names;
    });
    std::string out;
    for (const auto& g : groups) {
        const auto& [stdout_text, stderr_text, how] = *g.what;
        out += "---------------- " + printable(g.names) + " (" + std::to_string(g.count) +
               (g.count == 1 ? " host" : " hosts") + "): " + printable(how) + "\n";
        out += block(stdout_text);
        if (!stderr_text.empty()) out += "--- stderr\n" + block(stderr_text);
    }
    return out;
}

void print_grouped_output(job_kind& kind) {
    auto groups = std::make_shared<output_groups>();
    kind.observe = [groups, observe = kind.observe](const target& t, const record& r) {
        if (observe) observe(t, r);
        groups->add(t.text, r);
    };
    kind.epilogue = [groups, epilogue = kind.epilogue]() {
        const auto text = groups->format();
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return epilogue ? epilogue() : std::string();
    };
}

} // namespace asyncfetch::app
