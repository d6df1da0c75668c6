// When a work order is due: scheduled_date and the optional window, checked the same way for
// creation and for reschedule.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api_error.h"

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

}  // namespace fieldgate
