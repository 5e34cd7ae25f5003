#include "asyncfetch/app/failed_targets.hpp"

#include <memory>
#include <vector>

namespace asyncfetch::app {

std::string command_failure_reason(const record& r) {
    if (!r.error.empty()) return r.error;
    if (!r.fields["signal"].is_null())
        return "killed by signal " + r.fields["signal"].get<std::string>();
    return "exit status " + std::to_string(r.fields["exit_status"].get<int>());
}

void report_failed_targets(job_kind& kind, std::function<std::string(const target&)> name_of,
                           std::function<std::string(const record&)> why_failed,
                           const std::string& noun) {
    auto failed = std::make_shared<std::vector<std::string>>();
    kind.finished_line = [name_of, why_failed](const target& t, const record& r) {
        return r.result == outcome::ok ? "[SUCCESS] " + name_of(t)
                                       : "[FAILURE] " + name_of(t) + ": " + why_failed(r);
    };
    kind.observe = [failed, name_of, why_failed](const target& t, const record& r) {
        if (r.result != outcome::ok) failed->push_back(name_of(t) + ": " + why_failed(r));
    };
    kind.epilogue = [failed, noun]() {
        std::string text;
        if (!failed->empty()) text = std::to_string(failed->size()) + " " + noun + "(s) failed:\n";
        for (const auto& f : *failed)
            text += "  " + f + "\n";
        return text;
    };
}

} // namespace asyncfetch::app
