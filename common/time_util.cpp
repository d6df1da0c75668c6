#include "time_util.h"

#include <algorithm>
#include <atomic>
#include <cstdio>

// date.h's parser trips g++ 12's -Wmaybe-uninitialized from inlined library code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <date/date.h>
#include <date/tz.h>

namespace fieldgate {

SysMillis now_millis() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

std::string format_utc(SysMillis t) {
    // By hand: date::format builds a stream and a locale per call, and this runs per request.
    const auto day = std::chrono::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const auto ms = (t - day).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long long>(ms / 3600000),
                  static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                  static_cast<long long>(ms % 1000));
    return buf;
}

// Times of record (history, outbox events, the Open311 updated_datetime) never go backwards
// within the process, even when the wall clock is stepped back: a CRM orders updates by them.
std::string now_utc() {
    static std::atomic<std::int64_t> latest{0};
    const std::int64_t now = now_millis().time_since_epoch().count();
    std::int64_t seen = latest.load(std::memory_order_relaxed);
    while (now > seen && !latest.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
    return format_utc(SysMillis(std::chrono::milliseconds(std::max(now, seen))));
}

namespace {

// Digits at [at, at+n) as a number; -1 when any is not a digit. No locale, no streams: these
// run several times per result on the writer thread.
int digits(std::string_view s, std::size_t at, std::size_t n) {
    if (at + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

std::optional<date::year_month_day> parse_date(std::string_view s) {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
    if (y < 0 || m < 0 || d < 0) return std::nullopt;
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

// "HH:MM" or "HH:MM:SS" at the start of `s`; `used` gets the length consumed.
std::optional<std::chrono::seconds> parse_clock(std::string_view s, std::size_t& used) {
    const int h = digits(s, 0, 2), mi = digits(s, 3, 2);
    if (h < 0 || mi < 0 || s.size() < 5 || s[2] != ':' || h > 23 || mi > 59) return std::nullopt;
    int sec = 0;
    used = 5;
    if (s.size() >= 8 && s[5] == ':') {
        sec = digits(s, 6, 2);
        if (sec < 0 || sec > 60) return std::nullopt;
        used = 8;
    }
    return std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec);
}

}  // namespace

std::optional<SysMillis> parse_rfc3339(std::string_view text) {
    const auto ymd = parse_date(text);
    if (!ymd || text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' '))
        return std::nullopt;
    std::size_t used = 0;
    const auto clock = parse_clock(text.substr(11), used);
    if (!clock || used != 8) return std::nullopt;
    std::size_t at = 19;
    std::chrono::milliseconds fraction{0};
    if (at < text.size() && text[at] == '.') {
        std::size_t n = 0;
        int ms = 0;
        for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++n) {
            if (n < 3) ms = ms * 10 + (text[at] - '0');
        }
        if (n == 0) return std::nullopt;
        for (; n < 3; ++n) ms *= 10;
        fraction = std::chrono::milliseconds(ms);
    }
    if (at >= text.size()) return std::nullopt;
    std::chrono::minutes offset{0};
    if (text[at] == 'Z' || text[at] == 'z') {
        if (at + 1 != text.size()) return std::nullopt;
    } else if (text[at] == '+' || text[at] == '-') {
        const int oh = digits(text, at + 1, 2), om = digits(text, at + 4, 2);
        if (oh < 0 || om < 0 || text.size() != at + 6 || text[at + 3] != ':' || oh > 23 || om > 59)
            return std::nullopt;
        offset = std::chrono::hours(oh) + std::chrono::minutes(om);
        if (text[at] == '-') offset = -offset;
    } else {
        return std::nullopt;
    }
    return SysMillis(date::sys_days(*ymd)) + *clock + fraction - offset;
}

namespace {

std::optional<SysMillis> local_instant(date::local_seconds local, const std::string& zone) {
    try {
        const auto* tz = date::locate_zone(zone);
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            tz->to_sys(local, date::choose::earliest));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

std::optional<SysMillis> local_to_instant(std::string_view date_text, std::string_view hhmm,
                                          const std::string& zone) {
    const auto ymd = parse_date(date_text);
    std::size_t used = 0;
    const auto clock = parse_clock(hhmm, used);
    if (!ymd || date_text.size() != 10 || !clock || used != hhmm.size()) return std::nullopt;
    return local_instant(date::local_days(*ymd) + *clock, zone);
}

std::optional<SysMillis> end_of_local_day(std::string_view date_text, const std::string& zone) {
    const auto ymd = parse_date(date_text);
    if (!ymd || date_text.size() != 10) return std::nullopt;
    return local_instant(date::local_days(*ymd) + date::days(1), zone);
}

std::optional<std::chrono::sys_days> parse_iso_date(std::string_view text) {
    const auto ymd = parse_date(text);
    if (!ymd || text.size() != 10) return std::nullopt;
    return std::chrono::sys_days(date::sys_days(*ymd).time_since_epoch());
}

bool is_iso_date(std::string_view text) {
    return parse_iso_date(text).has_value();
}

}  // namespace fieldgate

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
