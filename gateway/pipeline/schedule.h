// When a work order is due: scheduled_date and the optional window, checked the same way for
// creation and for reschedule, and the window as instants, the one rule evidence, the watchdog
// and (through the evidence stored) the reports judge times by.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "time_util.h"

namespace fieldgate {

struct Schedule {
    std::string scheduled_date;  // YYYY-MM-DD
    std::optional<std::string> window_start;
    std::optional<std::string> window_end;
    bool operator==(const Schedule&) const = default;
};

// HH:MM or HH:MM:SS local time on the scheduled date, or an RFC 3339 time.
bool valid_window_bound(std::string_view v);

// From a body that passed its JSON schema (scheduled_date a string, window {start, end} strings
// when present): a real calendar date and valid window bounds, or the problem naming the field.
std::variant<ApiError, Schedule> parse_schedule(const nlohmann::json& body);

// The service window as instants in the city's zone. A bound the order does not give is the
// scheduled day's: from its midnight to the next midnight, exclusive, so 23:59:59.500 is still
// the day (and a day of 23 or 25 hours is the day it is). A given end (HH:MM or HH:MM:SS local
// on the scheduled date, or an RFC 3339 time) is inclusive: a window "until 12:00" takes a
// result stamped 12:00:00.000 and nothing later.
struct ServiceWindow {
    SysMillis start;
    SysMillis end;
    bool end_inclusive = false;
    bool contains(SysMillis t) const;
    // Over at `now`: nothing at or after `now` can fall inside it any more.
    bool ended_by(SysMillis now) const;
};

// nullopt when the date or a bound cannot be read, or the zone is unknown.
std::optional<ServiceWindow> service_window(const std::string& scheduled_date,
                                            const std::optional<std::string>& window_start,
                                            const std::optional<std::string>& window_end,
                                            const std::string& zone);

}  // namespace fieldgate
