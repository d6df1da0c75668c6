// Great-circle distance for arrival detection (a few metres of error over a city is fine).
#pragma once

#include <algorithm>
#include <cmath>

namespace fieldgate::mqtt {

inline double distance_m(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kEarthRadiusM = 6371008.8;
    constexpr double kRad = 3.14159265358979323846 / 180.0;
    const double dlat = (lat2 - lat1) * kRad;
    const double dlon = (lon2 - lon1) * kRad;
    const double a =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace fieldgate::mqtt
