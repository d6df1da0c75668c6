#include "scenario.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "bay_format.h"
#include "curbside_format.h"
#include "rng.h"
#include "valley_format.h"

namespace fieldgate::sim {

namespace {

// The seed case: 76% completed, 24% not collected; of the not collected 60% not set out, 16%
// instructions not followed, 7% customer cancelled and 17% spread over the other reasons. A few
// of the completed are partial collections.
constexpr double kCompletedShare = 0.76;
constexpr double kPartialShare = 0.03;  // carved out of the 76%
constexpr double kNotSetOut = 0.60;
constexpr double kInstructionsShare = 0.16;
constexpr double kCancelled = 0.07;
// Curbside routes that get one route-level '*' row covering their last stops.
constexpr double kRouteEventShare = 0.15;
// Valley orders that are illegal-dumping clean-ups (EventTypeId 944).
constexpr double kIllegalDumpingShare = 0.15;

const std::vector<std::string> kOtherReasons = {
    "ITEMS_NOT_LISTED", "OVER_SIZE_LIMIT",       "UNACCEPTABLE_ITEMS",
    "SAFETY_HAZARD",    "WRONG_WORK_ORDER_TYPE", "INACCURATE_INFO",
    "ACCESS_BLOCKED",   "VEHICLE_ISSUE",         "OTHER"};
const std::vector<std::string> kPartialReasons = {"ITEMS_NOT_LISTED", "OVER_SIZE_LIMIT",
                                                  "UNACCEPTABLE_ITEMS"};

const std::vector<std::string> kStreets = {
    "Alum Rock Ave",  "Story Rd",     "King Rd",     "Tully Rd",     "Senter Rd",
    "Monterey Rd",    "Almaden Expy", "Curtner Ave", "Hamilton Ave", "Meridian Ave",
    "Bascom Ave",     "Saratoga Ave", "Lincoln Ave", "The Alameda",  "Julian St",
    "Santa Clara St", "Capitol Expy", "McKee Rd",    "Berryessa Rd", "Blossom Hill Rd",
    "Snell Ave",      "Branham Ln",   "Camden Ave",  "Union Ave"};
const std::vector<std::string> kZips = {"95112", "95116", "95122", "95125",
                                        "95127", "95128", "95132", "95136"};
const std::vector<std::string> kItems = {
    "sofa",     "mattress", "box spring",   "refrigerator", "washer",     "dryer",
    "recliner", "dresser",  "dining table", "4 chairs",     "television", "carpet rolls",
    "bookcase", "desk",     "bed frame",    "water heater", "treadmill",  "futon"};
const std::vector<std::string> kInstructions = {"Items at the curb by 7am",
                                                "Pile is next to the driveway, left side",
                                                "Please ring the bell, items in the side yard",
                                                "Mattress is bagged",
                                                "Gate code 4411, items behind the gate",
                                                "Items by the mailbox, do not block the driveway",
                                                ""};
const std::vector<std::string> kFirst = {"Maria", "José",    "Linh",   "David", "Priya", "Wei",
                                         "Ana",   "Michael", "Fatima", "Kevin", "Rosa",  "Tuan"};
const std::vector<std::string> kLast = {"Garcia",   "Nguyen", "Hernandez", "Tran",
                                        "Patel",    "Lopez",  "Chen",      "Kim",
                                        "Martinez", "Smith",  "Le",        "Ramirez"};

const char* short_code(VendorId v) {
    switch (v) {
        case VendorId::bay:
            return "BH";
        case VendorId::valley:
            return "VD";
        case VendorId::curbside:
            return "CC";
    }
    return "XX";
}

std::string pad(std::size_t n, int width) {
    char out[24];
    std::snprintf(out, sizeof out, "%0*zu", width, n);
    return out;
}

Intent draw_intent(Rng& rng, VendorId vendor) {
    const double u = rng.uniform();
    if (u < kCompletedShare - kPartialShare) return {"COMPLETED", ""};
    if (u < kCompletedShare) return {"PARTIALLY_COMPLETED", rng.pick(kPartialReasons)};
    const double r = rng.uniform();
    if (r < kNotSetOut) return {"NOT_COLLECTED", "NOT_SET_OUT"};
    if (r < kNotSetOut + kInstructionsShare) return {"NOT_COLLECTED", "INSTRUCTIONS_NOT_FOLLOWED"};
    if (r < kNotSetOut + kInstructionsShare + kCancelled)
        return {"NOT_COLLECTED", "CUSTOMER_CANCELLED"};
    // Valley has no "other" resolution code: its share goes to the named reasons.
    const std::size_t n =
        vendor == VendorId::valley ? kOtherReasons.size() - 1 : kOtherReasons.size();
    return {"NOT_COLLECTED", kOtherReasons[rng.index(n)]};
}

void assign_vendor_codes(VendorId vendor, Order& o, Rng& rng) {
    switch (vendor) {
        case VendorId::bay:
            bay::assign_codes(o, rng);
            break;
        case VendorId::valley:
            valley::assign_codes(o, rng);
            break;
        case VendorId::curbside:
            curbside::assign_codes(o, rng);
            break;
    }
}

Order make_order(VendorId vendor, const Plan& plan, std::size_t index, Rng& rng) {
    Order o;
    o.index = index;
    o.crm_case_id = plan.case_prefix + "-" + short_code(vendor) + "-" + pad(index + 1, 5);
    o.service_type = (vendor == VendorId::valley && rng.chance(kIllegalDumpingShare))
                         ? "illegal_dumping"
                         : "bulky_item";
    o.address = std::to_string(rng.between(100, 4999)) + " " + rng.pick(kStreets) +
                ", San Jose, CA " + rng.pick(kZips);
    o.lat = std::round(rng.between(37.2500, 37.4100) * 100000.0) / 100000.0;
    o.lon = std::round(rng.between(-121.9500, -121.7800) * 100000.0) / 100000.0;
    if (rng.chance(0.7)) {
        const int start = rng.chance(0.5) ? 7 * 60 : 8 * 60;
        o.window = std::make_pair(start, start + (rng.chance(0.5) ? 8 * 60 : 6 * 60));
    }
    const int n_items = o.service_type == "illegal_dumping" ? 1 : rng.between(1, 4);
    for (int i = 0; i < n_items; ++i) {
        std::string item = o.service_type == "illegal_dumping" ? "dumped pile" : rng.pick(kItems);
        if (std::find(o.items.begin(), o.items.end(), item) == o.items.end())
            o.items.push_back(item);
    }
    o.instructions = rng.pick(kInstructions);
    const std::string first = rng.pick(kFirst);
    const std::string last = rng.pick(kLast);
    o.customer_name = first + " " + last;
    o.customer_phone = "408-555-" + pad(static_cast<std::size_t>(rng.between(0, 9999)), 4);
    std::string mail = first.substr(0, 1) + last;
    for (auto& c : mail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    o.customer_email = mail + pad(static_cast<std::size_t>(rng.between(1, 99)), 2) + "@example.com";
    o.intent = draw_intent(rng, vendor);
    o.quirk_seed = rng.next();
    return o;
}

}  // namespace

const char* vendor_name(VendorId v) {
    switch (v) {
        case VendorId::bay:
            return "bay-hauling";
        case VendorId::valley:
            return "valley-disposal";
        case VendorId::curbside:
            return "curbside-coop";
    }
    return "?";
}

std::optional<VendorId> vendor_from_name(const std::string& name) {
    for (auto v : {VendorId::bay, VendorId::valley, VendorId::curbside}) {
        if (name == vendor_name(v)) return v;
    }
    return std::nullopt;
}

std::string status_for(const Intent& intent) {
    std::string s = intent.outcome;
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

Plan build_plan(const Options& options) {
    Plan plan;
    plan.case_prefix = options.case_prefix;
    plan.date = *parse_iso_date(options.date);
    plan.seed = options.seed;
    const std::string run_tag = pad(mix_seed(options.seed, options.case_prefix) % 1000000, 6);

    for (const auto& name : options.vendors) {
        const VendorId vendor = *vendor_from_name(name);
        Rng rng(mix_seed(options.seed, std::string("plan/") + name));
        VendorPlan vp;
        vp.vendor = vendor;
        const std::size_t n = static_cast<std::size_t>(options.orders);
        const std::size_t route_size = static_cast<std::size_t>(options.route_size);
        for (std::size_t i = 0; i < n; ++i) vp.orders.push_back(make_order(vendor, plan, i, rng));

        for (std::size_t first = 0, r = 0; first < n; first += route_size, ++r) {
            Route route;
            route.id = plan.case_prefix + "-" + short_code(vendor) + "-R" + pad(r + 1, 3);
            route.truck = std::string(short_code(vendor)) + "-T" + pad(100 + r % 40, 3);
            route.driver = "D-" + pad(5500 + r % 90, 4);
            int minute = 7 * 60 + rng.between(0, 20);
            for (std::size_t i = first; i < std::min(n, first + route_size); ++i) {
                Order& o = vp.orders[i];
                o.route_id = route.id;
                o.stop_seq = static_cast<int>(i - first + 1);
                minute = std::min(minute + rng.between(4, 14), 23 * 60 + 50);
                o.closed_minute = minute;
                o.closed_second = rng.between(0, 59);
                route.stops.push_back(i);
            }
            // Curbside: the last stops of some routes are closed by one '*' row instead.
            if (vendor == VendorId::curbside && route.stops.size() >= 3 &&
                rng.chance(kRouteEventShare)) {
                RouteEvent ev = curbside::route_event(rng);
                const int covered =
                    rng.between(1, std::min<int>(3, static_cast<int>(route.stops.size()) - 1));
                ev.minute =
                    vp.orders[route.stops[route.stops.size() - static_cast<std::size_t>(covered)]]
                        .closed_minute;
                for (int k = 0; k < covered; ++k) {
                    Order& o =
                        vp.orders[route
                                      .stops[route.stops.size() - 1 - static_cast<std::size_t>(k)]];
                    o.intent = ev.intent;
                    o.route_level = true;
                }
                route.route_event = ev;
            }
            vp.routes.push_back(std::move(route));
        }
        for (auto& o : vp.orders) {
            if (vendor == VendorId::bay)
                o.vendor_ref =
                    "BH-" + compact_date(plan.date) + "-" + run_tag + "-" + pad(o.index + 1, 5);
            if (vendor == VendorId::valley)
                o.vendor_ref = Rng(mix_seed(o.quirk_seed, run_tag)).uuid();
            if (vendor == VendorId::curbside)
                o.vendor_ref =
                    o.route_id + "/" + iso_date(plan.date) + "/" + std::to_string(o.stop_seq);
            if (!o.route_level) assign_vendor_codes(vendor, o, rng);
        }
        plan.vendors.push_back(std::move(vp));
    }
    return plan;
}

}  // namespace fieldgate::sim
