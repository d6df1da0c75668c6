// A vendor's MQTT topics and payload fields: vendor_schemas/<vendor>/mqtt.json, validated at
// load by gateway/mqtt/mqtt.schema.json. Vendors without the file have no trucks.
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "catalog.h"

namespace fieldgate::mqtt {

enum class DateFormat { iso, us_date };

struct RouteCode {
    std::string outcome;
    std::string reason;
};

struct VendorTopics {
    std::string vendor;
    std::string file;    // where it came from, for messages
    std::string prefix;  // fleet/<vendor>
    std::regex truck_pattern;
    std::size_t max_payload_bytes = 16384;

    std::string position_topic;
    std::string position_time, position_lat, position_lon;  // JSON pointers
    std::string position_speed, position_heading;           // optional ("")

    std::string stop_topic;

    std::string status_topic;
    std::string status_state, status_online, status_offline;

    std::string assignment_topic;  // "" when the vendor does not assign trucks over MQTT
    std::string assignment_route, assignment_date;
    DateFormat assignment_date_format = DateFormat::iso;

    std::string route_event_topic;  // "" when none
    std::string route_event_id, route_event_route, route_event_date, route_event_code,
        route_event_detail, route_event_occurred_at;
    DateFormat route_event_date_format = DateFormat::iso;
    std::map<std::string, RouteCode> route_event_codes;

    std::string dispatch_topic;  // "" when the gateway publishes nothing to this vendor's trucks
};

// Loads <dir>/<vendor>/mqtt.json for each vendor that has one. Throws std::runtime_error naming
// the file and the JSON pointer of every problem.
std::vector<VendorTopics> load_vendor_topics(const std::string& vendor_schemas_dir,
                                             const std::vector<std::string>& vendors,
                                             const std::string& schema_path,
                                             const Catalog& catalog);

// MM/DD/YYYY or YYYY-MM-DD -> YYYY-MM-DD; nullopt when it is not a date in that format.
std::optional<std::string> parse_vendor_date(const std::string& text, DateFormat format);

}  // namespace fieldgate::mqtt
