#include "asyncfetch/http/netrc.hpp"

#include <boost/beast/core/string.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace asyncfetch::http {
namespace {

constexpr std::size_t max_netrc_bytes = 1 << 20;
constexpr std::size_t max_token_bytes = 4096;

// Splits a netrc's text into tokens, counting lines for messages.
class tokenizer {
public:
    tokenizer(std::string_view text, const std::string& name) : text_(text), name_(name) {}

    // The next token, or nullopt at the end; a problem sets `error()`.
    std::optional<std::string> next() {
        while (pos_ < text_.size() && is_space(text_[pos_]))
            advance();
        if (pos_ == text_.size()) return std::nullopt;
        token_line_ = line_;
        std::string token;
        if (text_[pos_] == '"') return quoted();
        while (pos_ < text_.size() && !is_space(text_[pos_])) {
            token += text_[pos_];
            advance();
        }
        if (token.size() > max_token_bytes) return fail("a token longer than 4096 bytes");
        return token;
    }

    // macdef's body: every line up to the first empty one.
    void skip_macro() {
        while (pos_ < text_.size() && text_[pos_] != '\n')
            advance();
        while (pos_ < text_.size()) {
            advance(); // the '\n' ending the previous line
            if (pos_ < text_.size() && text_[pos_] == '\n') return;
            while (pos_ < text_.size() && text_[pos_] != '\n')
                advance();
        }
    }

    std::nullopt_t fail(const std::string& what) {
        if (error_.empty()) error_ = name_ + ":" + std::to_string(token_line_) + ": " + what;
        return std::nullopt;
    }
    const std::string& error() const { return error_; }

private:
    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    void advance() {
        if (text_[pos_] == '\n') ++line_;
        ++pos_;
    }

    std::optional<std::string> quoted() {
        advance(); // the opening quote
        std::string token;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            char c = text_[pos_];
            advance();
            if (c == '\\' && pos_ < text_.size()) {
                const char e = text_[pos_];
                advance();
                c = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
            }
            token += c;
            if (token.size() > max_token_bytes) return fail("a token longer than 4096 bytes");
        }
        if (pos_ == text_.size()) return fail("a quoted token is not closed");
        advance(); // the closing quote
        return token;
    }

    std::string_view text_;
    const std::string& name_;
    std::size_t pos_ = 0;
    int line_ = 1, token_line_ = 1;
    std::string error_;
};

} // namespace

parsed<netrc> parse_netrc(std::string_view text, const std::string& name) {
    netrc entries;
    tokenizer tokens(text, name);
    bool in_entry = false;
    while (auto word = tokens.next()) {
        if (*word == "machine" || *word == "default") {
            entries.emplace_back();
            in_entry = true;
            if (*word == "default") continue;
            auto machine = tokens.next();
            if (!machine) break;
            entries.back().machine = *machine;
        } else if (*word == "macdef") {
            if (!tokens.next()) break;
            tokens.skip_macro();
            in_entry = false;
        } else if (*word == "login" || *word == "password" || *word == "account") {
            if (!in_entry) tokens.fail("'" + *word + "' before any 'machine' or 'default'");
            auto value = tokens.next();
            if (!value) {
                tokens.fail("'" + *word + "' has no value");
                break;
            }
            if (!in_entry) break;
            if (*word == "login") entries.back().login = std::move(*value);
            if (*word == "password") entries.back().password = std::move(*value);
        } else {
            // The word is not shown: a misplaced password would be.
            tokens.fail("expected machine, default, login, password, account or macdef");
            break;
        }
    }
    if (!tokens.error().empty()) return problem(tokens.error());
    return entries;
}

parsed<netrc> read_netrc(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return problem(path + ": cannot read the netrc file");
    std::string text(max_netrc_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_netrc_bytes) return problem(path + ": larger than 1 MiB");
    return parse_netrc(text, path);
}

std::string default_netrc_path() {
    const char* home = std::getenv("HOME");
    return home && *home ? std::string(home) + "/.netrc" : std::string();
}

std::optional<netrc_entry> netrc_for(const netrc& entries, std::string_view host) {
    const netrc_entry* fallback = nullptr;
    for (const auto& e : entries) {
        if (e.machine.empty()) {
            if (!fallback) fallback = &e;
        } else if (boost::beast::iequals(e.machine, host)) {
            fallback = &e;
            break;
        }
    }
    if (!fallback || (fallback->login.empty() && fallback->password.empty())) return std::nullopt;
    return *fallback;
}

} // namespace asyncfetch::http
