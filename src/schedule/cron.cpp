#include "asyncfetch/schedule/cron.hpp"

#include "asyncfetch/core/text.hpp"

#include <array>
#include <charconv>
#include <ctime>
#include <vector>

namespace asyncfetch::schedule {
namespace {

using namespace std::chrono;

struct field_rule {
    int lo, hi;
    std::vector<std::string_view> names; // names[i] is the value lo_name + i
    int first_name_value;
};

const std::array<field_rule, 5> rules{{
    {0, 59, {}, 0},
    {0, 23, {}, 0},
    {1, 31, {}, 0},
    {1,
     12,
     {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
     1},
    {0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, 0}, // 7 is Sunday too
}};

// A number or (months, weekdays) a three-letter name; nullopt if neither.
std::optional<int> value_of(std::string_view text, const field_rule& rule) {
    int v = 0;
    const auto* end = text.data() + text.size();
    if (auto [p, ec] = std::from_chars(text.data(), end, v); ec == std::errc{} && p == end)
        return v;
    const auto name = lower(text);
    for (std::size_t i = 0; i < rule.names.size(); ++i)
        if (rule.names[i] == name) return rule.first_name_value + static_cast<int>(i);
    return std::nullopt;
}

// Parses field `n` (1-based) into bits (bit v set: value v matches).
parsed<std::vector<bool>> parse_field(std::string_view field, int n) {
    const auto& rule = rules[n - 1];
    const auto where = "field " + std::to_string(n) + " ";
    std::vector<bool> bits(rule.hi + 1, false);
    std::size_t start = 0;
    while (start <= field.size()) {
        const auto comma = field.find(',', start);
        const auto item =
            field.substr(start, comma == std::string_view::npos ? field.npos : comma - start);
        start = comma == std::string_view::npos ? field.size() + 1 : comma + 1;
        if (item.empty())
            return problem(where + "'" + std::string(field) + "' has an empty list item");
        auto range = item;
        int step = 1;
        bool stepped = false;
        if (const auto slash = item.find('/'); slash != std::string_view::npos) {
            range = item.substr(0, slash);
            const auto step_text = item.substr(slash + 1);
            const auto s = value_of(step_text, field_rule{0, 0, {}, 0});
            if (!s || *s < 1)
                return problem(where + "step '" + std::string(step_text) +
                               "' must be a number from 1");
            step = *s;
            stepped = true;
        }
        int lo = rule.lo, hi = rule.hi;
        if (range != "*") {
            const auto dash = range.find('-', 1);
            const auto first = range.substr(0, dash);
            const auto a = value_of(first, rule);
            if (!a) return problem(where + "'" + std::string(first) + "' is not a number or name");
            lo = *a;
            hi = stepped ? rule.hi : *a; // "5/15" means 5-max/15, as in Vixie cron
            if (dash != std::string_view::npos) {
                const auto second = range.substr(dash + 1);
                const auto b = value_of(second, rule);
                if (!b)
                    return problem(where + "'" + std::string(second) + "' is not a number or name");
                hi = *b;
            }
            for (int v : {lo, hi})
                if (v < rule.lo || v > rule.hi)
                    return problem(where + "'" + std::to_string(v) + "' out of range " +
                                   std::to_string(rule.lo) + "-" + std::to_string(rule.hi));
            if (lo > hi)
                return problem(where + "'" + std::string(range) + "' is a backwards range");
        }
        for (int v = lo; v <= hi; v += step)
            bits[v] = true;
    }
    return bits;
}

std::string_view shorthand(std::string_view text) {
    if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
    if (text == "@monthly") return "0 0 1 * *";
    if (text == "@weekly") return "0 0 * * 0";
    if (text == "@daily" || text == "@midnight") return "0 0 * * *";
    if (text == "@hourly") return "0 * * * *";
    return {};
}

// A wall-clock minute, fields kept separately so the search can skip whole
// months, days and hours.
struct civil {
    int year;
    unsigned month, day;
    int hour, minute;
};

long offset_at(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

civil civil_of(sys_seconds t, time_zone zone) {
    if (zone == time_zone::local) {
        const std::time_t tt = t.time_since_epoch().count();
        std::tm tm{};
        localtime_r(&tt, &tm);
        return {tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                static_cast<unsigned>(tm.tm_mday), tm.tm_hour, tm.tm_min};
    }
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
            static_cast<int>(hms.minutes().count())};
}

// The instant a wall-clock minute happens: its first occurrence when the
// clock is set back, the moment of the change when the minute is skipped.
sys_seconds instant_of(const civil& c, time_zone zone) {
    const sys_seconds naive =
        sys_days{year{c.year} / month{c.month} / day{c.day}} + hours{c.hour} + minutes{c.minute};
    if (zone == time_zone::utc) return naive;
    const std::time_t n = naive.time_since_epoch().count();
    const long before = offset_at(n - 86400), after = offset_at(n + 86400);
    std::optional<std::time_t> best;
    for (const long off : {before, after}) {
        const std::time_t t = n - off;
        if (offset_at(t) == off && (!best || t < *best)) best = t;
    }
    if (!best) {
        // Skipped: the change happens in (n - after, n - before]; find it.
        std::time_t lo = n - after, hi = n - before;
        while (hi - lo > 1) {
            const std::time_t mid = lo + (hi - lo) / 2;
            (offset_at(mid) == after ? hi : lo) = mid;
        }
        best = hi;
    }
    return sys_seconds{seconds{*best}};
}

unsigned last_day(int y, unsigned m) {
    return static_cast<unsigned>(year_month_day_last{year{y} / month{m} / last}.day());
}

} // namespace

parsed<cron_expr> cron_expr::parse(std::string_view text) {
    cron_expr e;
    e.text_ = std::string(text);
    std::string_view body = text;
    if (!body.empty() && body.front() == '@') {
        body = shorthand(body);
        if (body.empty())
            return problem("unknown shorthand '" + std::string(text) +
                           "' (use @yearly, @monthly, @weekly, @daily or @hourly)");
    }
    std::vector<std::string_view> fields;
    for (std::size_t i = 0; i < body.size();) {
        if (body[i] == ' ' || body[i] == '\t') {
            ++i;
            continue;
        }
        const auto end = body.find_first_of(" \t", i);
        fields.push_back(body.substr(i, end == body.npos ? body.npos : end - i));
        i = end == body.npos ? body.size() : end;
    }
    if (fields.size() != 5)
        return problem("expected 5 fields (minute hour day month weekday), got " +
                       std::to_string(fields.size()));
    for (int n = 1; n <= 5; ++n) {
        const auto field = parse_field(fields[n - 1], n);
        if (!field) return problem(field.problem());
        const auto& bits = *field;
        for (std::size_t v = 0; v < bits.size(); ++v) {
            if (!bits[v]) continue;
            switch (n) {
            case 1:
                e.minutes_.set(v);
                break;
            case 2:
                e.hours_.set(v);
                break;
            case 3:
                e.days_.set(v);
                break;
            case 4:
                e.months_.set(v);
                break;
            case 5:
                e.weekdays_.set(v % 7);
                break;
            }
        }
    }
    e.any_day_ = fields[2].front() == '*';
    e.any_weekday_ = fields[4].front() == '*';
    return e;
}

// Vixie cron's rule: with both day fields restricted, either may match.
bool cron_expr::day_matches(int y, int m, int d) const {
    const weekday wd{
        sys_days{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}}};
    const bool by_day = days_.test(d), by_weekday = weekdays_.test(wd.c_encoding());
    if (any_day_ || any_weekday_) return by_day && by_weekday; // a '*' field has every bit
    return by_day || by_weekday;
}

std::optional<sys_seconds> cron_expr::next_after(sys_seconds after, time_zone zone) const {
    civil c = civil_of(floor<minutes>(after) + minutes{1}, zone);
    const int give_up = c.year + 30;
    auto next_month = [&c] {
        if (++c.month > 12) c.month = 1, ++c.year;
        c.day = 1, c.hour = 0, c.minute = 0;
    };
    auto next_day = [&c] { ++c.day, c.hour = 0, c.minute = 0; };
    auto next_hour = [&] {
        c.minute = 0;
        if (++c.hour == 24) next_day();
    };
    while (c.year <= give_up) {
        if (!months_.test(c.month) || c.day > last_day(c.year, c.month)) {
            next_month();
        } else if (!day_matches(c.year, static_cast<int>(c.month), static_cast<int>(c.day))) {
            next_day();
        } else if (!hours_.test(c.hour)) {
            next_hour();
        } else if (!minutes_.test(c.minute)) {
            if (++c.minute == 60) next_hour();
        } else {
            const auto t = instant_of(c, zone);
            if (t > after) return t;
            if (++c.minute == 60) next_hour();
        }
    }
    return std::nullopt;
}

std::string format_time(sys_seconds t, time_zone zone) {
    const std::time_t tt = t.time_since_epoch().count();
    std::tm tm{};
    if (zone == time_zone::utc)
        gmtime_r(&tt, &tm);
    else
        localtime_r(&tt, &tm);
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = text;
    if (zone == time_zone::utc) return out + "Z";
    const long off = tm.tm_gmtoff;
    std::snprintf(text, sizeof text, "%c%02ld:%02ld", off < 0 ? '-' : '+', std::labs(off) / 3600,
                  std::labs(off) % 3600 / 60);
    return out + text;
}

} // namespace asyncfetch::schedule
