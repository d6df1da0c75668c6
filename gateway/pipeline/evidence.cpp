#include "evidence.h"

#include <cmath>

#include "time_util.h"

namespace fieldgate {

double distance_m(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kEarthRadiusM = 6371008.8;
    constexpr double kRad = M_PI / 180.0;
    const double dlat = (lat2 - lat1) * kRad;
    const double dlon = (lon2 - lon1) * kRad;
    const double a =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

namespace {

// The window as instants: the given start/end (RFC 3339, or HH:MM local on the scheduled
// date), else the whole scheduled day in the city's zone.
std::optional<std::pair<SysMillis, SysMillis>> window_of(const store::WorkOrder& wo,
                                                         const std::string& zone) {
    auto bound = [&](const std::optional<std::string>& v,
                     const char* fallback) -> std::optional<SysMillis> {
        if (v && !v->empty()) {
            if (auto t = parse_rfc3339(*v)) return t;
            return local_to_instant(wo.scheduled_date, *v, zone);
        }
        return local_to_instant(wo.scheduled_date, fallback, zone);
    };
    auto start = bound(wo.window_start, "00:00:00");
    auto end = bound(wo.window_end, "23:59:59");
    if (!start || !end) return std::nullopt;
    return std::make_pair(*start, *end);
}

}  // namespace

EvidenceVerdict check_evidence(const NormalizedResult& r, const ReasonInfo* reason,
                               const store::WorkOrder& wo, const std::string& city_zone) {
    EvidenceVerdict v;
    v.detail = nlohmann::json::object();
    const EvidenceRule rule = reason ? reason->evidence : EvidenceRule{};

    const bool has_photo = !r.photos.empty();
    v.detail["photo"] = has_photo ? "present" : (rule.photo ? "missing" : "not_expected");
    if (rule.photo && !has_photo) v.complete = false;

    if (r.lat && r.lon && wo.lat && wo.lon) {
        const double d = distance_m(*r.lat, *r.lon, *wo.lat, *wo.lon);
        nlohmann::json gps = {{"distance_m", std::round(d * 10) / 10}};
        if (rule.gps_within_m) {
            gps["expected_within_m"] = *rule.gps_within_m;
            gps["within"] = d <= *rule.gps_within_m;
            if (d > *rule.gps_within_m) v.complete = false;
        }
        v.detail["gps"] = gps;
    } else {
        v.detail["gps"] = rule.gps_within_m ? "missing" : "not_expected";
        if (rule.gps_within_m) v.complete = false;
    }

    std::string time = "unknown";
    if (r.occurred_at) {
        const auto at = parse_rfc3339(*r.occurred_at);
        const auto window = window_of(wo, city_zone);
        if (at && window)
            time = (*at >= window->first && *at <= window->second) ? "in_window" : "outside_window";
    }
    v.detail["time"] = time;
    if (rule.in_window && time != "in_window") v.complete = false;

    v.detail["complete"] = v.complete;
    return v;
}

}  // namespace fieldgate
