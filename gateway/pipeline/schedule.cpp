#include "schedule.h"

#include <cctype>

#include "time_util.h"

namespace fieldgate {

bool valid_window_bound(std::string_view v) {
    if (parse_rfc3339(v)) return true;
    // HH:MM or HH:MM:SS local time on the scheduled date
    if (v.size() != 5 && v.size() != 8) return false;
    auto digits = [&](std::size_t at) {
        return std::isdigit(static_cast<unsigned char>(v[at])) &&
               std::isdigit(static_cast<unsigned char>(v[at + 1]));
    };
    auto number = [&](std::size_t at) { return (v[at] - '0') * 10 + (v[at + 1] - '0'); };
    if (!digits(0) || v[2] != ':' || !digits(3)) return false;
    if (number(0) > 23 || number(3) > 59) return false;
    return v.size() == 5 || (v[5] == ':' && digits(6) && number(6) <= 59);
}

std::variant<ApiError, Schedule> parse_schedule(const nlohmann::json& j) {
    Schedule s;
    s.scheduled_date = j.at("scheduled_date").get<std::string>();
    if (!is_iso_date(s.scheduled_date)) {
        return unprocessable("invalid-field",
                             "scheduled_date must be a real calendar date YYYY-MM-DD",
                             "/scheduled_date");
    }
    if (j.contains("window")) {
        for (const char* key : {"start", "end"}) {
            if (!valid_window_bound(j["window"][key].get<std::string>())) {
                return unprocessable(
                    "invalid-field",
                    std::string("window.") + key + " must be HH:MM (local) or an RFC 3339 time",
                    std::string("/window/") + key);
            }
        }
        s.window_start = j["window"]["start"].get<std::string>();
        s.window_end = j["window"]["end"].get<std::string>();
    }
    return s;
}

}  // namespace fieldgate
