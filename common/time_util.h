// Times as the gateway stores them: RFC 3339 strings, UTC with milliseconds when we make them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fieldgate {

using SysMillis = std::chrono::sys_time<std::chrono::milliseconds>;

SysMillis now_millis();
std::string format_utc(SysMillis t);  // 2026-02-03T18:42:10.123Z
std::string now_utc();
// Parses RFC 3339 with Z or an offset (fraction optional); nullopt when it is not one.
std::optional<SysMillis> parse_rfc3339(std::string_view text);
// A wall-clock time on a date in an IANA zone -> instant. `hhmm` is "HH:MM" or "HH:MM:SS".
std::optional<SysMillis> local_to_instant(std::string_view date, std::string_view hhmm,
                                          const std::string& zone);
// The midnight that ends `date` in an IANA zone: the start of the next day (23 or 25 hours
// after the day's own midnight when daylight saving time changes that day).
std::optional<SysMillis> end_of_local_day(std::string_view date, const std::string& zone);
// YYYY-MM-DD and a real calendar date; nullopt for anything else (no sign, no other widths).
std::optional<std::chrono::sys_days> parse_iso_date(std::string_view text);
bool is_iso_date(std::string_view text);  // parse_iso_date would take it

}  // namespace fieldgate
