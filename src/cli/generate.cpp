#include "generate.hpp"

#include <fstream>
#include <iostream>
#include <map>

namespace asyncfetch::cli {

int generate(const CLI::App& app, const std::vector<std::string>& args) {
    using writer = void (*)(const CLI::App&, std::ostream&);
    const std::map<std::string, writer> writers{{"man", write_man_page},
                                                {"bash", write_bash_completion},
                                                {"zsh", write_zsh_completion},
                                                {"fish", write_fish_completion}};
    const auto found = args.empty() ? writers.end() : writers.find(args[0]);
    if (found == writers.end() || args.size() > 2) {
        std::cerr << "usage: asyncfetch " << generate_flag << " man|bash|zsh|fish [FILE]\n";
        return 2;
    }
    if (args.size() == 1) {
        found->second(app, std::cout);
        return std::cout.flush() ? 0 : 1;
    }
    std::ofstream out(args[1]);
    found->second(app, out);
    out.close();
    if (!out) {
        std::cerr << "asyncfetch: " << args[1] << ": cannot write\n";
        return 1;
    }
    return 0;
}

} // namespace asyncfetch::cli
