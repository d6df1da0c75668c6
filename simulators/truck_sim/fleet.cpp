#include "fleet.h"

#include <cmath>

namespace fieldgate::truck_sim {

namespace {

constexpr double kMetresPerDegreeLat = 111320.0;
constexpr double kPi = 3.14159265358979323846;
// Downtown San Jose: every route starts near here.
constexpr double kCityLat = 37.3382;
constexpr double kCityLon = -121.8863;

double metres_per_degree_lon(double lat) {
    return kMetresPerDegreeLat * std::cos(lat * kPi / 180.0);
}

double leg_length(double lat1, double lon1, double lat2, double lon2) {
    const double dy = (lat2 - lat1) * kMetresPerDegreeLat;
    const double dx = (lon2 - lon1) * metres_per_degree_lon(lat1);
    return std::sqrt(dx * dx + dy * dy);
}

}  // namespace

std::vector<Truck> make_fleet(const FleetOptions& o) {
    std::mt19937 rng(o.seed);
    std::uniform_real_distribution<double> angle(0, 2 * kPi);
    std::uniform_real_distribution<double> jitter(-0.2, 0.2);
    std::vector<Truck> fleet;
    const std::string day = o.date.substr(0, 4) + o.date.substr(5, 2) + o.date.substr(8, 2);
    for (int t = 0; t < o.trucks; ++t) {
        Truck truck;
        truck.id = o.truck_prefix + std::to_string(100 + t);
        truck.route = "R-SIM-" + std::to_string(100 + t);
        const double a = angle(rng);
        truck.depot_lat = kCityLat + 0.02 * std::sin(a);
        truck.depot_lon = kCityLon + 0.02 * std::cos(a);
        double lat = truck.depot_lat;
        double lon = truck.depot_lon;
        double heading = angle(rng);
        for (int s = 0; s < o.stops; ++s) {
            heading += jitter(rng);
            lat += o.stop_spacing_m * std::cos(heading) / kMetresPerDegreeLat;
            lon += o.stop_spacing_m * std::sin(heading) / metres_per_degree_lon(lat);
            Stop stop;
            stop.seq = s + 1;
            stop.service_request =
                "SR-SIM-" + day + "-" + std::to_string(100 + t) + "-" + std::to_string(s + 1);
            stop.ticket =
                "BH-SIM-" + day + "-" + std::to_string(100 + t) + "-" + std::to_string(s + 1);
            stop.lat = lat;
            stop.lon = lon;
            truck.stops.push_back(std::move(stop));
        }
        fleet.push_back(std::move(truck));
    }
    return fleet;
}

Where position_after(const Truck& truck, double metres) {
    double lat = truck.depot_lat;
    double lon = truck.depot_lon;
    Where w{lat, lon, 0, 0};
    for (const auto& stop : truck.stops) {
        const double leg = leg_length(lat, lon, stop.lat, stop.lon);
        const double dy = (stop.lat - lat) * kMetresPerDegreeLat;
        const double dx = (stop.lon - lon) * metres_per_degree_lon(lat);
        w.heading = std::fmod(std::atan2(dx, dy) * 180.0 / kPi + 360.0, 360.0);
        if (metres < leg) {
            const double f = leg > 0 ? metres / leg : 1;
            w.lat = lat + (stop.lat - lat) * f;
            w.lon = lon + (stop.lon - lon) * f;
            return w;
        }
        metres -= leg;
        lat = stop.lat;
        lon = stop.lon;
        ++w.stops_passed;
    }
    w.lat = lat;
    w.lon = lon;
    return w;
}

Outcome draw_outcome(std::mt19937& rng) {
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng) < 0.76) return {"Confirmed Positive", "", ""};
    const double r = u(rng);
    if (r < 0.60) return {"Confirmed Negative", "NSO", "Items not set out at curb"};
    if (r < 0.76) return {"Confirmed Negative", "INF", "Instructions not followed"};
    if (r < 0.83) return {"Cancelled", "CXL", "Cancelled by customer at the door"};
    static const char* kOther[][2] = {{"NLI", "Items not listed"},      {"OVS", "Pile over 3 feet"},
                                      {"UNA", "Unacceptable items"},    {"HAZ", "Overhead wires"},
                                      {"WWO", "Wrong work order type"}, {"BAD", "Bad address"}};
    const auto& o = kOther[std::uniform_int_distribution<int>(0, 5)(rng)];
    return {"Confirmed Negative", o[0], o[1]};
}

std::string us_date(const std::string& iso) {
    return iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(0, 4);
}

nlohmann::json bay_stop_event(const Truck& truck, const Stop& stop, const Outcome& outcome,
                              const std::string& date, const std::string& closed_at) {
    nlohmann::json j = {{"ticket_number", stop.ticket},
                        {"service_request", stop.service_request},
                        {"status", outcome.status},
                        {"service_date", us_date(date)},
                        {"closed_at", closed_at},
                        {"truck", {{"id", truck.id}, {"driver_id", "D-" + truck.id}}},
                        {"gps", {{"lat", stop.lat}, {"lng", stop.lon}, {"accuracy_m", 5.0}}},
                        {"photos", nlohmann::json::array()},
                        {"items_collected", outcome.code.empty() ? 2 : 0},
                        {"notes", "simulated"}};
    if (!outcome.code.empty()) {
        j["exception"] = {{"code", outcome.code}, {"description", outcome.description}};
        j["photos"].push_back("https://media.bayhauling.example/stops/" + stop.ticket + "/1.jpg");
    }
    return j;
}

}  // namespace fieldgate::truck_sim
