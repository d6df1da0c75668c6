#include "evidence.h"

#include <cmath>

#include "schedule.h"
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
        const auto window =
            service_window(wo.scheduled_date, wo.window_start, wo.window_end, city_zone);
        if (at && window) time = window->contains(*at) ? "in_window" : "outside_window";
    }
    v.detail["time"] = time;
    if (rule.in_window && time != "in_window") v.complete = false;

    v.detail["complete"] = v.complete;
    return v;
}

}  // namespace fieldgate
