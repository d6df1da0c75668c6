#include "engine/dates.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

namespace fieldgate::engine {

namespace {

struct Fields {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    std::string fraction;               // ".123" or empty
    std::optional<int> offset_minutes;  // from the value itself
    bool zulu = false;
};

// Reads `pattern` at the start of `text`: 'd' is a digit, any other character itself. The
// numbers are appended to `out`. A scanner instead of std::regex: this runs for every date of
// every record, and regex matching was a tenth of normalization.
bool scan(std::string_view text, std::string_view pattern, std::vector<int>& out) {
    if (text.size() < pattern.size()) return false;
    int value = 0;
    bool in_number = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = text[i];
        if (pattern[i] == 'd') {
            if (c < '0' || c > '9') return false;
            value = (in_number ? value * 10 : 0) + (c - '0');
            in_number = true;
        } else {
            if (c != pattern[i]) return false;
            if (in_number) out.push_back(value);
            in_number = false;
        }
    }
    if (in_number) out.push_back(value);
    return true;
}

std::optional<Fields> match(std::string_view text, TimeFormat f) {
    std::vector<int> n;
    n.reserve(6);
    Fields out;
    switch (f) {
        case TimeFormat::kIso8601:
        case TimeFormat::kIso8601Local: {
            constexpr std::string_view kHead = "dddd-dd-ddTdd:dd:dd";
            if (!scan(text, kHead, n)) return std::nullopt;
            out = {n[0], n[1], n[2], n[3], n[4], n[5], "", std::nullopt, false};
            std::size_t at = kHead.size();
            if (at < text.size() && text[at] == '.') {
                std::size_t digits = 0;
                while (at + 1 + digits < text.size() &&
                       std::isdigit(static_cast<unsigned char>(text[at + 1 + digits])))
                    ++digits;
                if (digits == 0 || digits > 9) return std::nullopt;
                out.fraction = std::string(text.substr(at, digits + 1));
                at += digits + 1;
            }
            const auto rest = text.substr(at);
            if (rest.empty()) return out;
            if (f == TimeFormat::kIso8601Local) return std::nullopt;
            if (rest == "Z") {
                out.zulu = true;
                out.offset_minutes = 0;
                return out;
            }
            std::vector<int> offset;
            if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') ||
                !scan(rest.substr(1), "dd:dd", offset)) {
                return std::nullopt;
            }
            out.offset_minutes = parse_offset(std::string(rest));
            return out;
        }
        case TimeFormat::kSqlDatetime:
            if (text.size() != 19 || !scan(text, "dddd-dd-dd dd:dd:dd", n)) return std::nullopt;
            return Fields{n[0], n[1], n[2], n[3], n[4], n[5], "", std::nullopt, false};
        case TimeFormat::kUsDate:
            if (text.size() != 10 || !scan(text, "dd/dd/dddd", n)) return std::nullopt;
            return Fields{n[2], n[0], n[1], 0, 0, 0, "", std::nullopt, false};
        case TimeFormat::kIsoDate:
            if (text.size() != 10 || !scan(text, "dddd-dd-dd", n)) return std::nullopt;
            return Fields{n[0], n[1], n[2], 0, 0, 0, "", std::nullopt, false};
        case TimeFormat::kUnixSeconds:
        case TimeFormat::kUnixMillis:
            return std::nullopt;  // handled by epoch()
    }
    return std::nullopt;
}

// Written by hand, not snprintf: these run for every date of every result.
std::string two(int v) {
    if (v < 0 || v > 99) return std::to_string(v);
    return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}

std::string offset_text(int minutes) {
    if (minutes == 0) return "+00:00";
    const char sign = minutes < 0 ? '-' : '+';
    const int a = minutes < 0 ? -minutes : minutes;
    return std::string(1, sign) + two(a / 60) + ":" + two(a % 60);
}

std::string date_text(const date::year_month_day& ymd) {
    const int y = static_cast<int>(ymd.year());
    if (y >= 0 && y <= 9999)
        return two(y / 100) + two(y % 100) + "-" + two(static_cast<int>(unsigned(ymd.month()))) +
               "-" + two(static_cast<int>(unsigned(ymd.day())));
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::string names(const std::vector<TimeFormat>& formats) {
    std::string out;
    for (auto f : formats) out += (out.empty() ? "" : " or ") + time_format_name(f);
    return out;
}

// Epoch text: an optional '-' and 1 to 18 digits (what an int64 always holds). A scanner, not a
// regular expression: it runs for every time of every record.
std::optional<long long> epoch_number(std::string_view text) {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    if (digits.empty() || digits.size() > 18) return std::nullopt;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    long long v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

// RFC 3339 has four-digit years: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z in unix seconds.
constexpr long long kFirstSecond = -62135596800LL;
constexpr long long kLastSecond = 253402300799LL;

// nullopt when `text` is not epoch digits (the next format is tried); else the RFC 3339 UTC
// time, or why the number cannot be a time.
std::optional<TimeResult> epoch(std::string_view text, TimeFormat f) {
    using namespace std::chrono;
    const auto n = epoch_number(text);
    if (!n) return std::nullopt;
    const bool millis = f == TimeFormat::kUnixMillis;
    const long long scale = millis ? 1000 : 1;
    if (*n < kFirstSecond * scale || *n > kLastSecond * scale + (scale - 1)) {
        std::string why = "'" + std::string(text) + "' is outside the years 0001 to 9999 in " +
                          time_format_name(f);
        if (!millis && *n / 1000 >= kFirstSecond && *n / 1000 <= kLastSecond)
            why += "; it looks like milliseconds (the format for those is unix_millis)";
        return TimeResult{std::nullopt, why};
    }
    const auto tp = date::sys_time<milliseconds>{milliseconds{*n * (millis ? 1 : 1000)}};
    const auto day = date::floor<date::days>(tp);
    const date::hh_mm_ss<milliseconds> tod{tp - day};
    std::string out = date_text(date::year_month_day{day}) + "T" +
                      two(static_cast<int>(tod.hours().count())) + ":" +
                      two(static_cast<int>(tod.minutes().count())) + ":" +
                      two(static_cast<int>(tod.seconds().count()));
    if (millis) {
        char buf[8];
        std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(tod.subseconds().count()));
        out += buf;
    }
    return TimeResult{out + "Z", ""};
}

}  // namespace

std::optional<TimeFormat> time_format_from_name(std::string_view n) {
    if (n == "iso8601") return TimeFormat::kIso8601;
    if (n == "iso8601_local") return TimeFormat::kIso8601Local;
    if (n == "sql_datetime") return TimeFormat::kSqlDatetime;
    if (n == "unix_seconds") return TimeFormat::kUnixSeconds;
    if (n == "unix_millis") return TimeFormat::kUnixMillis;
    if (n == "us_date") return TimeFormat::kUsDate;
    if (n == "iso_date") return TimeFormat::kIsoDate;
    return std::nullopt;
}

std::string time_format_name(TimeFormat f) {
    switch (f) {
        case TimeFormat::kIso8601:
            return "iso8601 (YYYY-MM-DDThh:mm:ss with optional offset)";
        case TimeFormat::kIso8601Local:
            return "iso8601_local (YYYY-MM-DDThh:mm:ss, no offset)";
        case TimeFormat::kSqlDatetime:
            return "sql_datetime (YYYY-MM-DD hh:mm:ss)";
        case TimeFormat::kUnixSeconds:
            return "unix_seconds (whole seconds since 1970-01-01T00:00:00Z, e.g. 1764672000)";
        case TimeFormat::kUnixMillis:
            return "unix_millis (whole milliseconds since 1970-01-01T00:00:00Z, e.g. "
                   "1764672000123)";
        case TimeFormat::kUsDate:
            return "us_date (MM/DD/YYYY)";
        case TimeFormat::kIsoDate:
            return "iso_date (YYYY-MM-DD)";
    }
    return "?";
}

bool is_date_only(TimeFormat f) {
    return f == TimeFormat::kUsDate || f == TimeFormat::kIsoDate;
}

bool is_epoch(TimeFormat f) {
    return f == TimeFormat::kUnixSeconds || f == TimeFormat::kUnixMillis;
}

const date::time_zone* find_zone(const std::string& name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::optional<int> parse_offset(std::string_view t) {
    if (t == "Z" || t == "z") return 0;
    if (t.size() < 5 || (t[0] != '+' && t[0] != '-')) return std::nullopt;
    std::vector<int> n;
    const auto body = t.substr(1);
    if (!(body.size() == 5 && scan(body, "dd:dd", n)) &&
        !(body.size() == 4 && scan(body, "dddd", n))) {
        return std::nullopt;
    }
    const int h = body.size() == 5 ? n[0] : n[0] / 100;
    const int mi = body.size() == 5 ? n[1] : n[0] % 100;
    if (h > 18 || mi > 59) return std::nullopt;
    const int v = h * 60 + mi;
    return t[0] == '-' ? -v : v;
}

TimeResult to_rfc3339(std::string_view text, const std::vector<TimeFormat>& formats,
                      std::optional<int> offset_minutes, const date::time_zone* zone) {
    using namespace std::chrono;
    for (auto f : formats) {
        if (is_epoch(f)) {
            if (auto r = epoch(text, f)) return *r;
            continue;
        }
        if (is_date_only(f)) continue;
        auto fields = match(text, f);
        if (!fields) continue;
        const date::year_month_day ymd{date::year{fields->y},
                                       date::month{static_cast<unsigned>(fields->mo)},
                                       date::day{static_cast<unsigned>(fields->d)}};
        if (!ymd.ok() || fields->h > 23 || fields->mi > 59 || fields->s > 59) {
            return {std::nullopt, "'" + std::string(text) + "' is not a real date and time"};
        }
        const std::string local = date_text(ymd) + "T" + two(fields->h) + ":" + two(fields->mi) +
                                  ":" + two(fields->s) + fields->fraction;
        if (fields->zulu) return {local + "Z", ""};
        if (fields->offset_minutes) return {local + offset_text(*fields->offset_minutes), ""};
        if (offset_minutes) return {local + offset_text(*offset_minutes), ""};
        if (zone == nullptr) {
            return {std::nullopt,
                    "'" + std::string(text) + "' has no offset and no time zone applies"};
        }
        const date::local_seconds lt =
            date::local_days{ymd} + hours{fields->h} + minutes{fields->mi} + seconds{fields->s};
        const auto info = zone->get_info(lt);
        if (info.result == date::local_info::nonexistent) {
            return {std::nullopt,
                    "'" + std::string(text) + "' does not exist in " + zone->name() +
                        " (the clocks skip that hour when daylight saving time starts)"};
        }
        // Ambiguous (the repeated hour in autumn): the earlier instant, i.e. the first offset.
        const auto offset = duration_cast<minutes>(info.first.offset).count();
        return {local + offset_text(static_cast<int>(offset)), ""};
    }
    return {std::nullopt, "'" + std::string(text) +
                              "' is not a date and time in the expected format " + names(formats)};
}

TimeResult to_iso_date(std::string_view text, const std::vector<TimeFormat>& formats) {
    for (auto f : formats) {
        if (!is_date_only(f)) continue;
        auto fields = match(text, f);
        if (!fields) continue;
        const date::year_month_day ymd{date::year{fields->y},
                                       date::month{static_cast<unsigned>(fields->mo)},
                                       date::day{static_cast<unsigned>(fields->d)}};
        if (!ymd.ok())
            return {std::nullopt, "'" + std::string(text) + "' is not a real calendar date"};
        return {date_text(ymd), ""};
    }
    return {std::nullopt,
            "'" + std::string(text) + "' is not a date in the expected format " + names(formats)};
}

}  // namespace fieldgate::engine
