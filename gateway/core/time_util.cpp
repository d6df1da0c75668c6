#include "time_util.h"

#include <sstream>

// date.h's parser trips g++ 12's -Wmaybe-uninitialized from inlined library code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/date.h>
#include <date/tz.h>

namespace fieldgate {

SysMillis now_millis() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string format_utc(SysMillis t) { return date::format("%FT%TZ", t); }

std::string now_utc() { return format_utc(now_millis()); }

std::optional<SysMillis> parse_rfc3339(std::string_view text) {
    const std::string s(text);
    for (const char* fmt : {"%FT%T%Ez", "%FT%TZ"}) {
        std::istringstream in(s);
        SysMillis tp;
        in >> date::parse(fmt, tp);
        if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return tp;
    }
    return std::nullopt;
}

std::optional<SysMillis> local_to_instant(std::string_view date_text, std::string_view hhmm,
                                          const std::string& zone) {
    std::string s(date_text);
    s += 'T';
    s += hhmm;
    if (hhmm.size() == 5) s += ":00";
    std::istringstream in(s);
    date::local_time<std::chrono::milliseconds> local;
    in >> date::parse("%FT%T", local);
    if (in.fail()) return std::nullopt;
    try {
        const auto* tz = date::locate_zone(zone);
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            tz->to_sys(local, date::choose::earliest));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool is_iso_date(std::string_view text) {
    if (text.size() != 10) return false;
    std::istringstream in{std::string(text)};
    date::year_month_day ymd{};
    in >> date::parse("%F", ymd);
    return !in.fail() && ymd.ok();
}

}  // namespace fieldgate

#pragma GCC diagnostic pop
