// The simulated fleet (pure logic, no I/O): trucks with routes of stops around a depot, driven
// at a constant speed with interpolated positions, and stop results drawn from the seed case's
// outcome mix (76% completed; of the rest 60% not set out, 16% instructions not followed, 7%
// cancelled, the rest other reasons).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fieldgate::truck_sim {

struct Stop {
    int seq = 0;
    std::string service_request;
    std::string ticket;
    double lat = 0;
    double lon = 0;
};

struct Truck {
    std::string id;
    std::string route;
    double depot_lat = 0;
    double depot_lon = 0;
    std::vector<Stop> stops;
};

struct FleetOptions {
    std::string truck_prefix = "BH-T";
    int trucks = 3;
    int stops = 10;
    double stop_spacing_m = 400;
    std::uint32_t seed = 1;
    std::string date = "2026-02-03";  // YYYY-MM-DD
};

std::vector<Truck> make_fleet(const FleetOptions& options);

struct Where {
    double lat = 0;
    double lon = 0;
    double heading = 0;
    int stops_passed = 0;  // how many stops the truck has reached
};
// Where a truck is after driving `metres` from its depot along its stops.
Where position_after(const Truck& truck, double metres);

struct Outcome {
    std::string status;  // Bay Hauling's: Confirmed Positive / Confirmed Negative
    std::string code;    // exception code, empty when collected
    std::string description;
};
Outcome draw_outcome(std::mt19937& rng);

// MM/DD/YYYY from YYYY-MM-DD.
std::string us_date(const std::string& iso);
nlohmann::json bay_stop_event(const Truck& truck, const Stop& stop, const Outcome& outcome,
                              const std::string& date, const std::string& closed_at);

}  // namespace fieldgate::truck_sim
