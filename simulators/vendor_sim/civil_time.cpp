#include "civil_time.h"

#include <chrono>
#include <cstdio>

#include "time_util.h"

namespace fieldgate::sim {

namespace {

std::chrono::year_month_day ymd(const CivilDate& d) {
    return std::chrono::year{d.year} / std::chrono::month{static_cast<unsigned>(d.month)} /
           std::chrono::day{static_cast<unsigned>(d.day)};
}

std::string two(int v) {
    char out[16];
    std::snprintf(out, sizeof out, "%02d", v);
    return out;
}

std::string four(int v) {
    char out[16];
    std::snprintf(out, sizeof out, "%04d", v);
    return out;
}

}  // namespace

std::optional<CivilDate> parse_iso_date(std::string_view t) {
    const auto day = fieldgate::parse_iso_date(t);
    if (!day) return std::nullopt;
    const std::chrono::year_month_day d{*day};
    return CivilDate{int(d.year()), int(unsigned(d.month())), int(unsigned(d.day()))};
}

CivilDate today_pacific() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    // Decide the offset on the UTC date first, then again on the Pacific date it gives.
    auto at = [&](int offset) { return year_month_day{floor<days>(now + minutes{offset})}; };
    const auto utc = year_month_day{floor<days>(now)};
    const CivilDate guess{int(utc.year()), int(unsigned(utc.month())), int(unsigned(utc.day()))};
    const auto local = at(pacific_offset_minutes(guess));
    CivilDate d{int(local.year()), int(unsigned(local.month())), int(unsigned(local.day()))};
    const auto again = at(pacific_offset_minutes(d));
    return CivilDate{int(again.year()), int(unsigned(again.month())), int(unsigned(again.day()))};
}

int pacific_offset_minutes(const CivilDate& d) {
    using namespace std::chrono;
    const year y{d.year};
    const sys_days start{y / March / Sunday[2]};
    const sys_days end{y / November / Sunday[1]};
    const sys_days day{ymd(d)};
    return (day >= start && day < end) ? -420 : -480;
}

std::string iso_date(const CivilDate& d) {
    return four(d.year) + "-" + two(d.month) + "-" + two(d.day);
}
std::string us_date(const CivilDate& d) {
    return two(d.month) + "/" + two(d.day) + "/" + four(d.year);
}
std::string compact_date(const CivilDate& d) {
    return four(d.year) + two(d.month) + two(d.day);
}

std::string local_iso(const CivilDate& d, int minute_of_day, int second) {
    return iso_date(d) + "T" + hh_mm(minute_of_day) + ":" + two(second);
}

std::string local_sql(const CivilDate& d, int minute_of_day, int second) {
    return iso_date(d) + " " + hh_mm(minute_of_day) + ":" + two(second);
}

std::string offset_suffix(int offset_minutes) {
    const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    return std::string(offset_minutes < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60);
}

std::string hh_mm(int minute_of_day) {
    return two(minute_of_day / 60) + ":" + two(minute_of_day % 60);
}

}  // namespace fieldgate::sim
