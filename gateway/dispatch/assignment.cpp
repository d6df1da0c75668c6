#include "assignment.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "time_util.h"

namespace fieldgate {

namespace {

bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::optional<std::string> zip_from_address(std::string_view address) {
    while (!address.empty() && (address.back() == ' ' || address.back() == ',' ||
                                address.back() == '.' || address.back() == '\t')) {
        address.remove_suffix(1);
    }
    const auto space = address.find_last_of(" ,\t");
    if (space == std::string_view::npos) return std::nullopt;  // nothing before it: not a ZIP
    const auto token = address.substr(space + 1);
    const bool zip5 = token.size() == 5 && all_digits(token);
    const bool zip9 = token.size() == 10 && token[5] == '-' && all_digits(token.substr(0, 5)) &&
                      all_digits(token.substr(6));
    if (!zip5 && !zip9) return std::nullopt;
    return std::string(token);
}

std::optional<std::string> weekday_of(std::string_view iso_date) {
    const auto day = parse_iso_date(iso_date);
    if (!day) return std::nullopt;
    static constexpr const char* kNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    const std::chrono::weekday wd{*day};
    return kNames[wd.c_encoding()];
}

bool point_in_polygon(double lon, double lat, const std::vector<GeoPoint>& polygon) {
    bool inside = false;
    const std::size_t n = polygon.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const auto& a = polygon[i];
        const auto& b = polygon[j];
        if ((a.lat > lat) != (b.lat > lat) &&
            lon < (b.lon - a.lon) * (lat - a.lat) / (b.lat - a.lat) + a.lon) {
            inside = !inside;
        }
    }
    return inside;
}

const AssignmentRule* match_rule(const std::vector<AssignmentRule>& rules,
                                 const AssignmentFacts& facts) {
    const auto weekday = weekday_of(facts.scheduled_date);
    const std::optional<std::string> zip5 =
        facts.postal_code ? std::optional<std::string>(facts.postal_code->substr(0, 5))
                          : std::nullopt;
    for (const auto& rule : rules) {
        if (rule.service_type != "*" && rule.service_type != facts.service_type) continue;
        if (!rule.postal_codes.empty() && (!zip5 || !contains(rule.postal_codes, *zip5))) continue;
        if (!rule.weekdays.empty() && (!weekday || !contains(rule.weekdays, *weekday))) continue;
        if (!rule.polygon.empty() && !point_in_polygon(facts.lon, facts.lat, rule.polygon))
            continue;
        return &rule;
    }
    return nullptr;
}

}  // namespace fieldgate
