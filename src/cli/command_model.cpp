#include "command_model.hpp"

#include <algorithm>
#include <cctype>

namespace asyncfetch::cli {
namespace {

bool mentions(const std::string& text, const char* word) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find(word) != std::string::npos;
}

// CLI11's IsMember validator shows as "{a,b,c}" in the type name.
std::vector<std::string> choices_of(const std::string& type_name) {
    std::vector<std::string> choices;
    const auto open = type_name.find('{'), close = type_name.find('}');
    if (open == std::string::npos || close == std::string::npos || close < open) return choices;
    std::string item;
    for (char c : type_name.substr(open + 1, close - open - 1)) {
        if (c == ',') {
            choices.push_back(item);
            item.clear();
        } else if (c != ' ') {
            item += c;
        }
    }
    if (!item.empty()) choices.push_back(item);
    return choices;
}

// Guessed from the definition, so a new option gets a sensible completion
// without anyone listing it here.
value_kind kind_of(const option_doc& o, const std::string& long_name) {
    if (o.flag) return value_kind::none;
    if (!o.choices.empty()) return value_kind::choice;
    if (o.positional && long_name == "command") return value_kind::command;
    if (long_name == "host" || long_name == "hosts")
        return o.positional ? value_kind::file : value_kind::host;
    if (long_name.ends_with("-env")) return value_kind::env_var;
    if (long_name == "user") return value_kind::user;
    const bool number = o.metavar.starts_with("INT") || o.metavar.starts_with("UINT") ||
                        o.metavar.starts_with("FLOAT") || o.metavar.starts_with("NUMBER");
    if (number) return value_kind::none;
    if (mentions(o.type_name, "file") || mentions(o.description, "file") ||
        mentions(o.description, "dir") || mentions(o.description, "path"))
        return value_kind::file;
    return value_kind::none;
}

option_doc describe_option(const CLI::Option& opt) {
    option_doc o;
    o.positional = !opt.nonpositional();
    for (const auto& s : opt.get_snames())
        o.names.push_back("-" + s);
    for (const auto& l : opt.get_lnames())
        o.names.push_back("--" + l);
    if (o.positional) o.names.push_back(opt.get_name(true));
    o.flag = !o.positional && opt.get_items_expected_max() == 0;
    if (!o.flag) {
        o.type_name = opt.get_type_name();
        o.metavar = o.type_name.substr(0, o.type_name.find(':'));
    }
    o.description = opt.get_description();
    if (!o.flag) o.default_value = opt.get_default_str();
    o.required = opt.get_required();
    o.repeatable = opt.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll ||
                   opt.get_expected_max() > 1;
    o.choices = choices_of(o.type_name);
    const std::string long_name =
        o.positional ? opt.get_name(true)
                     : (opt.get_lnames().empty() ? std::string() : opt.get_lnames().front());
    o.kind = kind_of(o, long_name);
    return o;
}

} // namespace

command_doc describe_command(const CLI::App& app) {
    command_doc c{app.get_name(), app.get_description(), {}, {}};
    for (const auto* opt : app.get_options()) {
        if (opt->get_group().empty()) continue; // hidden
        auto o = describe_option(*opt);
        (o.positional ? c.arguments : c.options).push_back(std::move(o));
    }
    return c;
}

std::vector<command_doc> describe_subcommands(const CLI::App& app) {
    std::vector<command_doc> commands;
    for (const auto* sub :
         app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
        commands.push_back(describe_command(*sub));
    return commands;
}

std::string display_names(const option_doc& option) {
    std::string out;
    for (const auto& n : option.names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

} // namespace asyncfetch::cli
