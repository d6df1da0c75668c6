// Named date and date-time formats, and turning a vendor's time into RFC 3339.
// Local times get an explicit offset (from another field) or the vendor's IANA zone, DST-correct
// (Howard Hinnant's date/tz on the OS tz database).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

namespace fieldgate::engine {

enum class TimeFormat {
    kIso8601,       // 2026-02-03T10:42:17[.fff][Z|+hh:mm|-hh:mm]
    kIso8601Local,  // 2026-02-03T10:42:17[.fff] (no offset allowed)
    kSqlDatetime,   // 2026-02-03 10:42:17
    kUnixSeconds,   // 1770144137 (whole seconds since 1970-01-01T00:00:00Z; text or number)
    kUnixMillis,    // 1770144137250 (whole milliseconds since then; text or number)
    kUsDate,        // 02/03/2026 (date only)
    kIsoDate,       // 2026-02-03 (date only)
};

std::optional<TimeFormat> time_format_from_name(std::string_view name);
std::string time_format_name(TimeFormat f);
bool is_date_only(TimeFormat f);
bool is_epoch(TimeFormat f);  // unix_seconds, unix_millis: UTC by definition, no zone applies

// nullptr when the zone is unknown to the tz database.
const date::time_zone* find_zone(const std::string& name);

// "-08:00", "+05:30", "Z" -> minutes east of UTC; nullopt when not an offset.
std::optional<int> parse_offset(std::string_view text);

struct TimeResult {
    std::optional<std::string> value;  // set on success
    std::string error;                 // why not, phrased for a vendor's support person
};

// A date-time in the first of `formats` that matches, as RFC 3339. An offset inside the value
// wins; else `offset_minutes`; else the local time is placed in `zone`. An epoch value (digits,
// an optional leading '-') comes out in UTC: "...:17Z" from unix_seconds, "...:17.250Z" (always
// three digits) from unix_millis; one outside the years 0001-9999 is refused.
TimeResult to_rfc3339(std::string_view text, const std::vector<TimeFormat>& formats,
                      std::optional<int> offset_minutes, const date::time_zone* zone);

// A calendar date in the first of `formats` that matches, as YYYY-MM-DD.
TimeResult to_iso_date(std::string_view text, const std::vector<TimeFormat>& formats);

}  // namespace fieldgate::engine
