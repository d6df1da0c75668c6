// Dates and local times in San José (America/Los_Angeles), the way the vendors write them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fieldgate::sim {

struct CivilDate {
    int year = 1970;
    int month = 1;
    int day = 1;
};

std::optional<CivilDate> parse_iso_date(std::string_view text);  // YYYY-MM-DD, a real date
CivilDate today_pacific();
// -420 while daylight saving time is on (second Sunday of March to first Sunday of November),
// else -480. Good for times after 03:00, which is all the simulator uses.
int pacific_offset_minutes(const CivilDate& d);

std::string iso_date(const CivilDate& d);      // 2026-02-03
std::string us_date(const CivilDate& d);       // 02/03/2026
std::string compact_date(const CivilDate& d);  // 20260203
// Local wall time on `d`: minute of the day (0..1439) and second.
std::string local_iso(const CivilDate& d, int minute_of_day, int second);  // 2026-02-03T10:42:17
std::string local_sql(const CivilDate& d, int minute_of_day, int second);  // 2026-02-03 10:42:17
std::string offset_suffix(int offset_minutes);                             // -08:00
std::string hh_mm(int minute_of_day);                                      // 07:30

}  // namespace fieldgate::sim
