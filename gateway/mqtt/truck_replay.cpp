// Replay of quarantined MQTT messages: what TruckMessages::handle() would make of a stored
// stop or route event now, for ops/quarantine_replay.cpp to commit with the entry's new state.
#include "truck_messages.h"

#include <regex>

namespace fieldgate::mqtt {

std::variant<std::shared_ptr<IngestRequest>, std::string> TruckMessages::replay_request(
    const std::string& topic, const std::string& payload) const {
    const VendorTopics* vendor = vendor_of(topic);
    const auto rest = vendor ? topic.substr(vendor->prefix.size() + 1) : std::string();
    const auto slash = rest.find('/');
    if (slash == std::string::npos || slash == 0 || rest.find('/', slash + 1) != std::string::npos)
        return "the topic '" + topic +
               "' is not <vendor prefix>/<truck>/<kind> of any vendor's mqtt.json; only stop and "
               "route events are replayed";
    const Parsed p{vendor, rest.substr(0, slash), rest.substr(slash + 1), false};
    const Message m{topic, payload, 1, false};
    if (payload.size() > vendor->max_payload_bytes)
        return "the message is larger than " + vendor->vendor + "'s MQTT limit of " +
               std::to_string(vendor->max_payload_bytes) + " bytes";
    // A truck another gateway met is in the store: asked when this one has not met it.
    const auto owner = directory_.lookup(p.truck);
    if (owner ? *owner != vendor->vendor : !std::regex_match(p.truck, vendor->truck_pattern))
        return "'" + p.truck + "' is not a truck of " + vendor->vendor;
    std::shared_ptr<IngestRequest> req;
    if (p.kind == vendor->stop_topic) {
        req = stop_request(p, m);
        if (!req) return "vendor '" + vendor->vendor + "' is not configured";
    } else if (!vendor->route_event_topic.empty() && p.kind == vendor->route_event_topic) {
        req = route_event_request(p, m);
        if (!req) return std::string("the route event is not a JSON object");
    } else if (p.kind == vendor->position_topic) {
        return std::string(
            "positions are not replayed: an old fix would reach arrival detection as the "
            "truck's current place; the truck's next fixes replace it");
    } else if (p.kind == vendor->status_topic ||
               (!vendor->assignment_topic.empty() && p.kind == vendor->assignment_topic)) {
        return std::string(
            "statuses and route assignments are not replayed: they are the truck's last value "
            "(retained at the broker), and an old one would overwrite a newer one; the truck "
            "or the vendor publishes it again");
    } else {
        return "'" + p.kind + "' is not one of " + vendor->vendor +
               "'s topics in mqtt.json; only stop and route events are replayed";
    }
    return req;
}

}  // namespace fieldgate::mqtt
