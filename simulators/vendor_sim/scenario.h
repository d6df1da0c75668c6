// The plan of one run: work orders per vendor, grouped in routes, each with the one outcome the
// simulator means it to end with (drawn from the seed case's mix with a seeded PRNG, so the
// same seed gives the same plan) and the vendor's own codes that express it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "civil_time.h"
#include "options.h"

namespace fieldgate::sim {

enum class VendorId { bay, valley, curbside };
const char* vendor_name(VendorId v);  // bay-hauling, valley-disposal, curbside-coop
std::optional<VendorId> vendor_from_name(const std::string& name);

// What the simulator means a work order to end as, in the city's standard codes.
struct Intent {
    std::string outcome;  // COMPLETED | PARTIALLY_COMPLETED | NOT_COLLECTED
    std::string reason;   // empty for COMPLETED
};
// The work order status the gateway should show for an outcome: COMPLETED -> completed, ...
std::string status_for(const Intent& intent);

struct Order {
    std::size_t index = 0;  // within its vendor
    std::string crm_case_id;
    std::string service_type;  // bulky_item | illegal_dumping
    std::string address;
    double lat = 0;
    double lon = 0;
    std::optional<std::pair<int, int>> window;  // minutes of the day, local
    std::vector<std::string> items;
    std::string instructions;
    std::string customer_name;
    std::string customer_phone;
    std::string customer_email;
    std::string route_id;
    int stop_seq = 0;

    Intent intent;
    std::string vendor_ref;     // Bay ticket number, Valley event Guid, Curbside route/date/stop
    std::string vendor_status;  // Bay status text, Valley EventStateId, Curbside result
    std::string vendor_code;    // Bay exception code, Valley ResolutionCodeId, Curbside reason
    std::string detail;         // what the driver wrote
    int closed_minute = 0;      // local minute of the day the stop was closed
    int closed_second = 0;
    bool route_level = false;      // Curbside: closed by its route's '*' row, has no row of its own
    std::uint64_t quirk_seed = 0;  // the formats draw their per-order quirks from this
};

// A Curbside route-level row ('*'): applies to every stop of the route without its own row.
struct RouteEvent {
    std::string result;       // EXC
    std::string reason_code;  // e.g. NO ACCESS PARKED CAR
    std::string detail;
    Intent intent;
    int minute = 0;
};

struct Route {
    std::string id;
    std::string truck;
    std::string driver;
    std::vector<std::size_t> stops;  // indexes into VendorPlan::orders, by stop_seq
    std::optional<RouteEvent> route_event;
};

struct VendorPlan {
    VendorId vendor = VendorId::bay;
    std::vector<Order> orders;
    std::vector<Route> routes;
};

struct Plan {
    std::string case_prefix;
    CivilDate date;
    std::uint64_t seed = 0;
    std::vector<VendorPlan> vendors;
};

Plan build_plan(const Options& options);

}  // namespace fieldgate::sim
