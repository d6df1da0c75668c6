#include "schedule.h"

#include <cctype>

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

bool ServiceWindow::contains(SysMillis t) const {
    return t >= start && (end_inclusive ? t <= end : t < end);
}

bool ServiceWindow::ended_by(SysMillis now) const {
    return end_inclusive ? now > end : now >= end;
}

namespace {

std::optional<SysMillis> given_bound(const std::string& scheduled_date, const std::string& v,
                                     const std::string& zone) {
    if (auto t = parse_rfc3339(v)) return t;
    return local_to_instant(scheduled_date, v, zone);
}

}  // namespace

std::optional<ServiceWindow> service_window(const std::string& scheduled_date,
                                            const std::optional<std::string>& window_start,
                                            const std::optional<std::string>& window_end,
                                            const std::string& zone) {
    const bool has_start = window_start && !window_start->empty();
    const bool has_end = window_end && !window_end->empty();
    const auto start = has_start ? given_bound(scheduled_date, *window_start, zone)
                                 : local_to_instant(scheduled_date, "00:00", zone);
    const auto end = has_end ? given_bound(scheduled_date, *window_end, zone)
                             : end_of_local_day(scheduled_date, zone);
    if (!start || !end) return std::nullopt;
    return ServiceWindow{*start, *end, has_end};
}

}  // namespace fieldgate
