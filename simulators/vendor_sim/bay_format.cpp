#include "bay_format.h"

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

namespace fieldgate::sim::bay {

namespace {

using Json = nlohmann::ordered_json;

struct Code {
    const char* code;
    const char* description;
};

const std::map<std::string, Code>& codes() {
    static const std::map<std::string, Code> kCodes = {
        {"NOT_SET_OUT", {"NSO", "Items not set out at curb"}},
        {"INSTRUCTIONS_NOT_FOLLOWED", {"INF", "Instructions not followed, items mixed with trash"}},
        {"CUSTOMER_CANCELLED", {"CXL", "Cancelled by customer at the door"}},
        {"ITEMS_NOT_LISTED", {"NLI", "Items set out that were not listed on the job"}},
        {"OVER_SIZE_LIMIT", {"OVS", "Pile over 3 feet high"}},
        {"UNACCEPTABLE_ITEMS", {"UNA", "Unacceptable items: paint and tires"}},
        {"SAFETY_HAZARD", {"HAZ", "Overhead wires over the pile"}},
        {"WRONG_WORK_ORDER_TYPE", {"WWO", "Wrong work order type, this is yard waste"}},
        {"INACCURATE_INFO", {"BAD", "Bad address, house number does not exist"}},
        {"ACCESS_BLOCKED", {"BLK", "Access blocked, gate locked"}},
        {"VEHICLE_ISSUE", {"MEC", "Truck mechanical problem, stop not reached"}},
        {"OTHER", {"MISC", "Resident asked us to come back next week"}},
    };
    return kCodes;
}

const std::vector<std::string> kNotes = {"Nothing at curb, knocked, no answer",
                                         "Called resident, no answer", "Left door hanger",
                                         "Photo taken", "Neighbor says resident moved"};

struct Quirks {
    bool old_firmware = false;
    bool no_gps = false;
    int photos = 0;
    bool notes = false;
    std::string note;
    double dlat = 0;
    double dlon = 0;
    double accuracy = 5;
};

Quirks quirks(const Order& o) {
    Rng rng(o.quirk_seed ^ 0xBA7ULL);
    Quirks q;
    q.old_firmware = rng.chance(0.15);
    q.no_gps = rng.chance(0.10);
    const bool exception = o.intent.outcome != "COMPLETED";
    q.photos = exception ? (rng.chance(0.85) ? rng.between(1, 3) : 0) : (rng.chance(0.3) ? 1 : 0);
    q.notes = rng.chance(0.4);
    q.note = rng.pick(kNotes);
    q.dlat = rng.between(-0.0002, 0.0002);
    q.dlon = rng.between(-0.0002, 0.0002);
    q.accuracy = std::round(rng.between(3.0, 25.0) * 10.0) / 10.0;
    return q;
}

double round5(double v) {
    return std::round(v * 100000.0) / 100000.0;
}

Json result(const Order& o, const Route& route, const CivilDate& date) {
    const Quirks q = quirks(o);
    Json j;
    j["ticket_number"] = o.vendor_ref;
    j["service_request"] = o.crm_case_id;
    j["status"] = o.vendor_status;
    if (!o.vendor_code.empty())
        j["exception"] = Json{{"code", o.vendor_code}, {"description", o.detail}};
    j["service_date"] = us_date(date);
    std::string closed = local_iso(date, o.closed_minute, o.closed_second);
    if (!q.old_firmware) closed += offset_suffix(pacific_offset_minutes(date));
    j["closed_at"] = closed;
    j["truck"] = Json{{"id", route.truck}, {"driver_id", route.driver}};
    if (!q.no_gps)
        j["gps"] = Json{{"lat", round5(o.lat + q.dlat)},
                        {"lng", round5(o.lon + q.dlon)},
                        {"accuracy_m", q.accuracy}};
    Json photos = Json::array();
    for (int i = 1; i <= q.photos; ++i) {
        photos.push_back("https://media.bayhauling.example/stops/" + o.vendor_ref + "/" +
                         std::to_string(i) + ".jpg");
    }
    j["photos"] = photos;
    if (!q.old_firmware) {
        const auto n = static_cast<long>(o.items.size());
        j["items_collected"] = o.intent.outcome == "COMPLETED"             ? n
                               : o.intent.outcome == "PARTIALLY_COMPLETED" ? std::max(0L, n - 1)
                                                                           : 0L;
    }
    if (q.notes) j["notes"] = o.intent.outcome == "COMPLETED" ? std::string("Collected") : q.note;
    return j;
}

}  // namespace

void assign_codes(Order& o, Rng& rng) {
    if (o.intent.outcome == "COMPLETED") {
        o.vendor_status = "Confirmed Positive";
        // Drivers sometimes note an exception on a collected job; the reason is dropped.
        if (rng.chance(0.04)) {
            o.vendor_code = "NLI";
            o.detail = "Extra chair, took it anyway";
        }
        return;
    }
    const Code& c = codes().at(o.intent.reason);
    o.vendor_code = c.code;
    o.detail = c.description;
    if (o.intent.outcome == "PARTIALLY_COMPLETED") {
        o.vendor_status = "Partially Collected";
    } else if (o.intent.reason == "CUSTOMER_CANCELLED" && rng.chance(0.35)) {
        // Bay also closes a door cancellation as "Cancelled": still a non-collection.
        o.vendor_status = "Cancelled";
    } else {
        o.vendor_status = "Confirmed Negative";
    }
}

std::string single_body(const Order& o, const Route& route, const CivilDate& date) {
    return result(o, route, date).dump();
}

std::string batch_body(const VendorPlan& plan, const Route& route, const CivilDate& date) {
    Json results = Json::array();
    for (auto i : route.stops) results.push_back(result(plan.orders[i], route, date));
    Json j;
    j["route"] = route.id;
    j["route_date"] = us_date(date);
    j["results"] = results;
    return j.dump();
}

std::string bad_body(BadKind kind, const Order& o, const Route& route, const CivilDate& date,
                     Rng& rng) {
    Json j = result(o, route, date);
    switch (kind) {
        case BadKind::malformed: {
            const std::string full = j.dump();
            return full.substr(0, full.size() * 2 / 3);  // cut mid-object: never valid JSON
        }
        case BadKind::unmapped_code:
            j["status"] = "Confirmed Negative";
            j["exception"] = Json{{"code", rng.chance(0.5) ? "NOH" : "GTL"},
                                  {"description", "Code from a new tablet build"}};
            return j.dump();
        case BadKind::missing_field: {
            switch (rng.between(0, 3)) {
                case 0:
                    j.erase("ticket_number");
                    break;
                case 1:
                    j.erase("service_request");
                    break;
                case 2:
                    j.erase("status");
                    break;
                default:  // a not-collected result without its exception code
                    j["status"] = "Confirmed Negative";
                    j.erase("exception");
                    break;
            }
            return j.dump();
        }
        case BadKind::unknown_sr:
            j["ticket_number"] = o.vendor_ref + "-X";
            j["service_request"] = o.crm_case_id + "-NOSUCH";
            return j.dump();
        case BadKind::wrong_credentials:
        case BadKind::wrong_content_type:
            return j.dump();
    }
    return j.dump();
}

}  // namespace fieldgate::sim::bay
