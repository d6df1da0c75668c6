#include "curbside_format.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace fieldgate::sim::curbside {

namespace {

constexpr const char* kHeader =
    "route_id,route_date,stop_seq,sr_number,result,reason,reason_text,event_time,truck,lat,lon";

const std::map<std::string, std::vector<std::string>>& reasons() {
    static const std::map<std::string, std::vector<std::string>> kReasons = {
        {"NOT_SET_OUT", {"NOT OUT"}},
        {"INSTRUCTIONS_NOT_FOLLOWED", {"WRONG PREP"}},
        {"CUSTOMER_CANCELLED", {"CANCELLED"}},
        {"ITEMS_NOT_LISTED", {"EXTRA"}},
        {"OVER_SIZE_LIMIT", {"TOO BIG"}},
        {"UNACCEPTABLE_ITEMS", {"NOT ALLOWED"}},
        {"SAFETY_HAZARD", {"UNSAFE"}},
        {"WRONG_WORK_ORDER_TYPE", {"WRONG TYPE"}},
        {"INACCURATE_INFO", {"BAD ADDRESS"}},
        {"ACCESS_BLOCKED", {"NO ACCESS PARKED CAR", "NO ACCESS GATE"}},
        {"VEHICLE_ISSUE", {"TRUCK DOWN"}},
        {"OTHER", {"OTHER"}},
    };
    return kReasons;
}

const std::map<std::string, std::vector<std::string>>& texts() {
    static const std::map<std::string, std::vector<std::string>> kTexts = {
        {"NOT_SET_OUT", {"Nothing at curb, called resident", "Nothing out"}},
        {"INSTRUCTIONS_NOT_FOLLOWED", {"Bagged with trash, \"as usual\"", "Mixed with yard waste"}},
        {"CUSTOMER_CANCELLED", {"Resident cancelled at door"}},
        {"ITEMS_NOT_LISTED", {"Mattress not on ticket left behind", "Extra couch, not on ticket"}},
        {"OVER_SIZE_LIMIT", {"Pile over 3 ft, left half"}},
        {"UNACCEPTABLE_ITEMS", {"Paint, tires, batteries"}},
        {"SAFETY_HAZARD", {"Dog loose in yard"}},
        {"WRONG_WORK_ORDER_TYPE", {"Yard waste only"}},
        {"INACCURATE_INFO", {"No such house number"}},
        {"ACCESS_BLOCKED", {"Car on the pile", "Gate locked, no answer"}},
        {"VEHICLE_ISSUE", {"Truck down, stop not reached"}},
        {"OTHER",
         {"Resident wrote on the note:\n\"Please take the couch, not the chair\"",
          "Came back, still blocked, will retry"}},
    };
    return kTexts;
}

std::string field(const std::string& in) {
    if (in.find_first_of(",\"\r\n") == std::string::npos) return in;
    std::string out = "\"";
    for (char c : in) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// "NO ACCESS GATE" -> "  NO  ACCESS   GATE " as a hurried dispatcher types it.
std::string spaced(const std::string& code, Rng& rng) {
    std::string out = rng.chance(0.5) ? "  " : "";
    for (char c : code) {
        out += c;
        if (c == ' ' && rng.chance(0.6))
            out += std::string(static_cast<std::size_t>(rng.between(1, 2)), ' ');
    }
    if (rng.chance(0.6)) out += ' ';
    return out;
}

std::string coord(double v) {
    char out[32];
    std::snprintf(out, sizeof out, "%.5f", v);
    return out;
}

struct Row {
    std::string route_id, route_date, stop_seq, sr_number, result, reason, reason_text, event_time,
        truck, lat, lon;
    std::string line() const {
        return field(route_id) + "," + field(route_date) + "," + field(stop_seq) + "," +
               field(sr_number) + "," + field(result) + "," + field(reason) + "," +
               field(reason_text) + "," + field(event_time) + "," + field(truck) + "," +
               field(lat) + "," + field(lon);
    }
};

Row stop_row(const Order& o, const Route& route, const CivilDate& date) {
    Rng q(o.quirk_seed ^ 0xCC5ULL);
    Row r;
    r.route_id = route.id;
    r.route_date = iso_date(date);
    r.stop_seq = std::to_string(o.stop_seq);
    r.sr_number = o.crm_case_id;
    r.result = o.vendor_status;
    r.reason =
        (!o.vendor_code.empty() && q.chance(0.15)) ? spaced(o.vendor_code, q) : o.vendor_code;
    r.reason_text = o.detail;
    r.event_time =
        q.chance(0.05) ? "1900-01-01 00:00:00" : local_sql(date, o.closed_minute, o.closed_second);
    r.truck = route.truck;
    if (q.chance(0.8)) {
        r.lat = coord(o.lat + q.between(-0.0002, 0.0002));
        r.lon = coord(o.lon + q.between(-0.0002, 0.0002));
    }
    return r;
}

std::string assemble(const std::vector<std::string>& lines, Rng& rng) {
    const bool excel = rng.chance(0.35);
    const std::string eol = (excel || rng.chance(0.2)) ? "\r\n" : "\n";
    std::string out = excel ? "\xEF\xBB\xBF" : "";
    for (const auto& l : lines) out += l + eol;
    return out;
}

}  // namespace

void assign_codes(Order& o, Rng& rng) {
    if (o.intent.outcome == "COMPLETED") {
        o.vendor_status = "DONE";
        o.detail = rng.chance(0.1) ? "All items, thanks" : "";
        return;
    }
    o.vendor_status = o.intent.outcome == "PARTIALLY_COMPLETED" ? "PART" : "EXC";
    o.vendor_code = rng.pick(reasons().at(o.intent.reason));
    o.detail = rng.pick(texts().at(o.intent.reason));
}

RouteEvent route_event(Rng& rng) {
    RouteEvent ev;
    ev.result = "EXC";
    if (rng.chance(0.6)) {
        ev.reason_code = "NO ACCESS PARKED CAR";
        ev.detail = "Street sweeping day, cars on both sides";
        ev.intent = {"NOT_COLLECTED", "ACCESS_BLOCKED"};
    } else {
        ev.reason_code = "TRUCK DOWN";
        ev.detail = "Hydraulic failure; remaining stops tomorrow";
        ev.intent = {"NOT_COLLECTED", "VEHICLE_ISSUE"};
    }
    return ev;
}

std::size_t route_file_records(const VendorPlan& plan, const Route& route) {
    std::size_t n = route.route_event ? 1 : 0;
    for (auto i : route.stops) n += plan.orders[i].route_level ? 0 : 1;
    return n;
}

std::string route_file(const VendorPlan& plan, const Route& route, const CivilDate& date,
                       Rng& rng) {
    std::vector<std::string> lines = {kHeader};
    for (auto i : route.stops) {
        if (!plan.orders[i].route_level)
            lines.push_back(stop_row(plan.orders[i], route, date).line());
    }
    if (route.route_event) {
        const auto& ev = *route.route_event;
        Row r{route.id,    iso_date(date),
              "*",         "",
              ev.result,   ev.reason_code,
              ev.detail,   local_sql(date, ev.minute, 0),
              route.truck, "",
              ""};
        // Wherever the dispatcher typed it: the gateway applies it after the stop rows.
        const auto at = 1 + rng.index(lines.size());
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), r.line());
    }
    return assemble(lines, rng);
}

std::string bad_file(BadKind kind, const VendorPlan& plan, const Route& route, const Order& o,
                     const CivilDate& date, Rng& rng) {
    Row r = stop_row(o, route, date);
    std::vector<std::string> lines = {kHeader};
    switch (kind) {
        case BadKind::malformed:
            r.result = "EXC";
            r.reason = "OTHER";
            lines.push_back(r.route_id + "," + r.route_date + "," + r.stop_seq + "," + r.sr_number +
                            ",EXC,OTHER,\"Resident said \"\"come back, later," + r.event_time +
                            "," + r.truck + ",,");
            return assemble(lines, rng);
        case BadKind::unmapped_code:
            r.result = "EXC";
            r.reason = rng.chance(0.5) ? "NOT HOME" : "LEFT NOTE";
            r.reason_text = "Code typed by hand";
            lines.push_back(r.line());
            return assemble(lines, rng);
        case BadKind::missing_field:
            if (rng.chance(0.5)) {
                r.sr_number.clear();  // only a '*' row may leave it empty
                lines.push_back(r.line());
            } else {  // the header lacks the result column
                lines = {
                    "route_id,route_date,stop_seq,sr_number,reason,reason_text,event_time,truck,"
                    "lat,lon"};
                lines.push_back(r.route_id + "," + r.route_date + "," + r.stop_seq + "," +
                                r.sr_number + ",,," + r.event_time + "," + r.truck + ",,");
            }
            return assemble(lines, rng);
        case BadKind::unknown_sr:
            r.sr_number = o.crm_case_id + "-NOSUCH";
            r.stop_seq = std::to_string(900 + o.stop_seq);
            lines.push_back(r.line());
            return assemble(lines, rng);
        case BadKind::wrong_credentials:
        case BadKind::wrong_content_type:
            return route_file(plan, route, date, rng);
    }
    return route_file(plan, route, date, rng);
}

}  // namespace fieldgate::sim::curbside
