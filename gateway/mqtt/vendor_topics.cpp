#include "vendor_topics.h"

#include <filesystem>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "json_schema.h"
#include "time_util.h"

namespace fieldgate::mqtt {

namespace {

std::string text(const nlohmann::json& j, const char* key) {
    return j.contains(key) ? j.at(key).get<std::string>() : std::string();
}

DateFormat date_format(const nlohmann::json& j) {
    return text(j, "date_format") == "us_date" ? DateFormat::us_date : DateFormat::iso;
}

VendorTopics bind_topics(const nlohmann::json& doc, const std::string& file, const Catalog& catalog,
                         std::vector<std::string>& problems) {
    VendorTopics t;
    t.file = file;
    t.vendor = doc.at("vendor_id").get<std::string>();
    t.prefix = doc.at("topic_prefix").get<std::string>();
    try {
        t.truck_pattern = std::regex(doc.at("truck_id_pattern").get<std::string>());
    } catch (const std::regex_error& e) {
        problems.push_back(file + "#/truck_id_pattern: not a valid regular expression (" +
                           e.what() + ")");
    }
    if (doc.contains("max_payload_bytes"))
        t.max_payload_bytes = doc.at("max_payload_bytes").get<std::size_t>();
    const auto& p = doc.at("position");
    t.position_topic = text(p, "topic");
    t.position_time = text(p, "time");
    t.position_lat = text(p, "lat");
    t.position_lon = text(p, "lon");
    t.position_speed = text(p, "speed_kmh");
    t.position_heading = text(p, "heading");
    t.stop_topic = text(doc.at("stop"), "topic");
    const auto& s = doc.at("status");
    t.status_topic = text(s, "topic");
    t.status_state = text(s, "state");
    t.status_online = text(s, "online");
    t.status_offline = text(s, "offline");
    if (doc.contains("route_assignment")) {
        const auto& a = doc["route_assignment"];
        t.assignment_topic = text(a, "topic");
        t.assignment_route = text(a, "route_id");
        t.assignment_date = text(a, "route_date");
        t.assignment_date_format = date_format(a);
    }
    if (doc.contains("route_event")) {
        const auto& e = doc["route_event"];
        t.route_event_topic = text(e, "topic");
        t.route_event_id = text(e, "event_id");
        t.route_event_route = text(e, "route_id");
        t.route_event_date = text(e, "route_date");
        t.route_event_date_format = date_format(e);
        t.route_event_code = text(e, "code");
        t.route_event_detail = text(e, "detail");
        t.route_event_occurred_at = text(e, "occurred_at");
        for (const auto& [code, target] : e.at("codes").items()) {
            RouteCode rc{target.at("outcome").get<std::string>(),
                         target.at("reason").get<std::string>()};
            const std::string where = file + "#/route_event/codes/" + json_pointer_token(code);
            if (!catalog.reason(rc.reason)) {
                problems.push_back(where + "/reason: '" + rc.reason + "' is not in the catalog");
            } else if (!catalog.allows(rc.outcome, rc.reason)) {
                problems.push_back(where + ": the catalog (" + catalog.version() +
                                   ") does not allow " + rc.reason + " with " + rc.outcome);
            }
            t.route_event_codes.emplace(code, std::move(rc));
        }
    }
    if (doc.contains("dispatch")) t.dispatch_topic = text(doc["dispatch"], "topic");

    std::set<std::string> suffixes;
    for (const auto& [pointer, suffix] : std::vector<std::pair<std::string, std::string>>{
             {"/position/topic", t.position_topic},
             {"/stop/topic", t.stop_topic},
             {"/status/topic", t.status_topic},
             {"/route_assignment/topic", t.assignment_topic},
             {"/route_event/topic", t.route_event_topic},
             {"/dispatch/topic", t.dispatch_topic}}) {
        if (suffix.empty()) continue;
        if (!suffixes.insert(suffix).second)
            problems.push_back(file + "#" + pointer + ": '" + suffix +
                               "' is already used by another topic of this vendor");
    }
    return t;
}

}  // namespace

std::vector<VendorTopics> load_vendor_topics(const std::string& vendor_schemas_dir,
                                             const std::vector<std::string>& vendors,
                                             const std::string& schema_path,
                                             const Catalog& catalog) {
    const JsonSchema schema = JsonSchema::from_file(schema_path);
    std::vector<VendorTopics> out;
    std::vector<std::string> problems;
    std::set<std::string> prefixes;
    for (const auto& vendor : vendors) {
        const auto file =
            (std::filesystem::path(vendor_schemas_dir) / vendor / "mqtt.json").string();
        if (!std::filesystem::exists(file)) continue;
        nlohmann::json doc;
        try {
            doc = read_json_file(file);
        } catch (const std::exception& e) {
            problems.push_back(e.what());
            continue;
        }
        const auto violations = schema.validate(doc);
        for (const auto& v : violations)
            problems.push_back(file + "#" + v.pointer + ": " + v.detail);
        if (!violations.empty()) continue;
        if (doc.at("vendor_id").get<std::string>() != vendor) {
            problems.push_back(file + "#/vendor_id: '" + doc.at("vendor_id").get<std::string>() +
                               "' must equal the folder name '" + vendor + "'");
            continue;
        }
        auto topics = bind_topics(doc, file, catalog, problems);
        if (!prefixes.insert(topics.prefix).second) {
            problems.push_back(file + "#/topic_prefix: '" + topics.prefix +
                               "' is already another vendor's");
            continue;
        }
        out.push_back(std::move(topics));
    }
    if (!problems.empty()) {
        std::string all;
        for (const auto& p : problems) all += "\n  " + p;
        throw std::runtime_error("vendor MQTT configuration is invalid:" + all);
    }
    return out;
}

std::optional<std::string> parse_vendor_date(const std::string& text, DateFormat format) {
    std::string iso = text;
    if (format == DateFormat::us_date) {
        if (text.size() != 10 || text[2] != '/' || text[5] != '/') return std::nullopt;
        iso = text.substr(6, 4) + "-" + text.substr(0, 2) + "-" + text.substr(3, 2);
    }
    if (!is_iso_date(iso)) return std::nullopt;
    return iso;
}

}  // namespace fieldgate::mqtt
