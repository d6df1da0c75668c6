#include "truck_messages.h"

#include <regex>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "input_limits.h"
#include "json_fields.h"
#include "string_limits.h"
#include "time_util.h"
#include "transaction.h"

namespace fieldgate::mqtt {

namespace {

std::vector<std::string> split_topic(const std::string& topic) {
    std::vector<std::string> levels;
    std::size_t start = 0;
    while (true) {
        const auto slash = topic.find('/', start);
        levels.push_back(topic.substr(start, slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return levels;
}

}  // namespace

TruckMessages::TruckMessages(std::vector<VendorTopics> topics, Vendors vendors,
                             IngestService& ingest, store::Writer& writer, PositionStore& positions,
                             ArrivalDetector& arrivals, TruckDirectory& directory,
                             Assigned on_assigned)
    : topics_(std::move(topics)),
      vendors_(std::move(vendors)),
      ingest_(ingest),
      writer_(writer),
      positions_(positions),
      arrivals_(arrivals),
      directory_(directory),
      on_assigned_(std::move(on_assigned)) {}

void TruckMessages::handle(const Message& m) {
    // MQTT topics are UTF-8 and Mosquitto refuses any other, but a broker that does not would
    // hand over bytes that neither the raw payload's headers nor the problem document can hold.
    if (auto topic = valid_utf8(m.topic); topic != m.topic) {
        Message safe = m;
        safe.topic = std::move(topic);
        quarantine(safe, "", 400, "invalid-topic", "Invalid topic",
                   "the topic is not valid UTF-8 (each invalid byte shown as U+FFFD)");
        return;
    }
    const VendorTopics* vendor = vendor_of(m.topic);
    if (!vendor) {
        quarantine(m, "", 404, "unknown-vendor", "Unknown vendor",
                   "no vendor has MQTT topics under '" + m.topic +
                       "'; topics are <vendor prefix>/<truck>/<kind>",
                   "");
        return;
    }
    const auto rest = split_topic(m.topic.substr(vendor->prefix.size() + 1));
    if (rest.size() != 2 || rest[0].empty()) {
        quarantine(m, vendor->vendor, 400, "unknown-topic", "Unknown topic",
                   "expected " + vendor->prefix + "/<truck>/<kind>, got " + m.topic);
        return;
    }
    Parsed p{vendor, rest[0], rest[1], false};
    if (p.kind == vendor->dispatch_topic) return;  // our own publication, echoed by fleet/#
    if (m.payload.size() > vendor->max_payload_bytes) {
        quarantine(m, vendor->vendor, 413, "payload-too-large", "Payload too large",
                   "the message (" + std::to_string(m.payload.size()) + " bytes) is larger than " +
                       vendor->vendor + "'s limit of " + std::to_string(vendor->max_payload_bytes) +
                       " bytes");
        return;
    }
    // The pattern is checked until the store has said whose the truck is (std::regex is slow
    // for every position of a 10,000-truck fleet). A truck whose owner the store has not told
    // this gateway yet is claimed in the message's own writer job (store_work).
    const auto owner = directory_.vendor_of(p.truck);
    if (!owner && !std::regex_match(p.truck, vendor->truck_pattern)) {
        quarantine(m, vendor->vendor, 422, "unknown-truck", "Unknown truck",
                   "'" + p.truck + "' is not a truck id of " + vendor->vendor);
        return;
    }
    if (owner && *owner != vendor->vendor) {
        quarantine(m, vendor->vendor, 422, "unknown-truck", "Unknown truck",
                   another_vendors(p.truck));
        return;
    }
    p.claim = !owner;
    // JSON nesting too deep or a NUL byte: refused before parsing (stops: by the adapter).
    const auto refused = p.kind == vendor->stop_topic ? std::nullopt : json_body_problem(m.payload);
    if (refused)
        quarantine(m, vendor->vendor, 400, "malformed", "Malformed payload", *refused);
    else if (p.kind == vendor->position_topic)
        on_position(p, m);
    else if (p.kind == vendor->stop_topic)
        on_stop(p, m);
    else if (p.kind == vendor->status_topic)
        on_status(p, m);
    else if (!vendor->assignment_topic.empty() && p.kind == vendor->assignment_topic)
        on_assignment(p, m);
    else if (!vendor->route_event_topic.empty() && p.kind == vendor->route_event_topic)
        on_route_event(p, m);
    else
        quarantine(m, vendor->vendor, 400, "unknown-topic", "Unknown topic",
                   "'" + p.kind + "' is not one of " + vendor->vendor + "'s topics");
}

const VendorTopics* TruckMessages::vendor_of(const std::string& topic) const {
    for (const auto& t : topics_) {
        if (topic.size() > t.prefix.size() + 1 &&
            topic.compare(0, t.prefix.size(), t.prefix) == 0 && topic[t.prefix.size()] == '/')
            return &t;
    }
    return nullptr;
}

void TruckMessages::on_position(const Parsed& p, const Message& m) {
    const auto doc = nlohmann::json::parse(m.payload, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        quarantine(m, p.vendor->vendor, 400, "malformed", "Malformed payload",
                   "the position is not a JSON object");
        return;
    }
    const auto& v = *p.vendor;
    const auto time_text = text_at(doc, v.position_time);
    const auto time = time_text ? parse_rfc3339(*time_text) : std::nullopt;
    if (!time) {
        quarantine(m, v.vendor, 422, "invalid-field", "Invalid position",
                   "the fix time must be an RFC 3339 time", v.position_time);
        return;
    }
    const auto lat = number_at(doc, v.position_lat);
    const auto lon = number_at(doc, v.position_lon);
    if (!lat || *lat < -90 || *lat > 90) {
        quarantine(m, v.vendor, 422, "invalid-field", "Invalid position",
                   "the latitude must be a number in [-90, 90]", v.position_lat);
        return;
    }
    if (!lon || *lon < -180 || *lon > 180) {
        quarantine(m, v.vendor, 422, "invalid-field", "Invalid position",
                   "the longitude must be a number in [-180, 180]", v.position_lon);
        return;
    }
    store::PositionRow row;
    row.truck_id = p.truck;
    row.vendor = v.vendor;
    row.fix_time = format_utc(*time);  // UTC, so history compares and sorts as text
    row.lat = *lat;
    row.lon = *lon;
    row.speed_kmh = number_at(doc, v.position_speed);
    row.heading = number_at(doc, v.position_heading);
    ++stats_->positions;
    // Positions never wait for a commit: a truck the store has not answered for is claimed by a
    // job of its own, and its positions count as the vendor's they came under until the answer
    // (a truck id another vendor holds is refused from then on).
    if (p.claim && directory_.claiming(p.truck, v.vendor)) {
        auto claimed = std::make_shared<store::TruckRow>();
        commit([claimed, truck = p.truck, vendor = v.vendor](
                   store::Transaction& db) { *claimed = db.claim_truck(truck, vendor, now_utc()); },
               false, "claim of truck " + p.truck,
               [learn = directory_.learner(), claimed, truck = p.truck](bool committed) {
                   learn(truck, committed ? claimed.get() : nullptr);
               });
    }
    if (auto truck = directory_.find(p.truck)) arrivals_.on_position(*truck, row, m.payload);
    positions_.add(std::move(row));
}

std::shared_ptr<IngestRequest> TruckMessages::stop_request(const Parsed& p,
                                                           const Message& m) const {
    const auto registry = vendors_();
    const VendorEntry* entry = registry ? registry->find(p.vendor->vendor) : nullptr;
    if (!entry) return nullptr;
    auto req = new_request(m, entry->spec.id, p.truck);
    req->mapping_version = entry->spec.mapping_version;
    req->raw.body = m.payload;
    ingest_.normalize(*req, *entry->adapter, m.payload);
    return req;
}

void TruckMessages::on_stop(const Parsed& p, const Message& m) {
    auto req = stop_request(p, m);
    if (!req) {
        quarantine(m, p.vendor->vendor, 404, "unknown-vendor", "Unknown vendor",
                   "vendor '" + p.vendor->vendor + "' is not configured");
        return;
    }
    ++stats_->stops;
    const auto what = "message on " + req->raw.request_id;
    store_work(p, m, ingest_.job(std::move(req), {}, std::make_shared<IngestAnswer>()), m.qos > 0,
               what, &MessageStats::stops);
}

void TruckMessages::on_status(const Parsed& p, const Message& m) {
    const auto doc = nlohmann::json::parse(m.payload, nullptr, false);
    const auto& v = *p.vendor;
    const auto state = doc.is_discarded() ? std::nullopt : text_at(doc, v.status_state);
    std::string value;
    if (state && *state == v.status_online) value = "online";
    if (state && *state == v.status_offline) value = "offline";
    if (value.empty()) {
        quarantine(m, v.vendor, 422, "invalid-field", "Invalid status",
                   "the state must be '" + v.status_online + "' or '" + v.status_offline + "'",
                   v.status_state);
        return;
    }
    ++stats_->statuses;
    store_work(
        p, m,
        [truck = p.truck, vendor = v.vendor, value](store::Transaction& db) {
            db.set_truck_state(truck, vendor, value, now_utc());
        },
        false, "status of " + p.truck, &MessageStats::statuses);
}

void TruckMessages::on_assignment(const Parsed& p, const Message& m) {
    const auto doc = nlohmann::json::parse(m.payload, nullptr, false);
    const auto& v = *p.vendor;
    const auto route = doc.is_discarded() ? std::nullopt : text_at(doc, v.assignment_route);
    const auto date_text = doc.is_discarded() ? std::nullopt : text_at(doc, v.assignment_date);
    if (!route || route->empty()) {
        quarantine(m, v.vendor, 422, "missing-field", "Invalid route assignment",
                   "the route id is missing", v.assignment_route);
        return;
    }
    const auto date =
        date_text ? parse_vendor_date(*date_text, v.assignment_date_format) : std::nullopt;
    if (!date) {
        quarantine(m, v.vendor, 422, "invalid-field", "Invalid route assignment",
                   "the route date is missing or not a date in the vendor's format",
                   v.assignment_date);
        return;
    }
    ++stats_->assignments;
    const auto what = "route of " + p.truck;
    auto write = [truck = p.truck, vendor = v.vendor, route = *route,
                  date = *date](store::Transaction& db) {
        db.set_truck_route(truck, vendor, route, date, now_utc());
    };
    if (p.claim) {
        // Memory learns the route with the store's answer for the truck, after the commit.
        store_work(p, m, std::move(write), false, what, &MessageStats::assignments);
        if (on_assigned_) on_assigned_();
        return;
    }
    // Memory first, marked as on its way to the store: a reload of the directory does not put
    // the store's older route back before this write has committed.
    auto written = directory_.assign(p.truck, *route, *date);
    if (!writer_.submit(std::move(write), [what, written](std::exception_ptr e) {
            if (e) spdlog::error("mqtt: {} not stored", what);
            written();
        })) {
        spdlog::error("mqtt: writer queue full, {} not stored", what);
        written();
    }
    if (on_assigned_) on_assigned_();
}

void TruckMessages::on_route_event(const Parsed& p, const Message& m) {
    auto req = route_event_request(p, m);
    if (!req) {
        quarantine(m, p.vendor->vendor, 400, "malformed", "Malformed payload",
                   "the route event is not a JSON object");
        return;
    }
    ++stats_->route_events;
    const auto what = "message on " + req->raw.request_id;
    store_work(p, m, ingest_.job(std::move(req), {}, std::make_shared<IngestAnswer>()), m.qos > 0,
               what, &MessageStats::route_events);
}

std::shared_ptr<IngestRequest> TruckMessages::route_event_request(const Parsed& p,
                                                                  const Message& m) const {
    const auto doc = nlohmann::json::parse(m.payload, nullptr, false);
    const auto& v = *p.vendor;
    if (doc.is_discarded() || !doc.is_object()) return nullptr;
    const auto registry = vendors_();
    const VendorEntry* entry = registry ? registry->find(v.vendor) : nullptr;
    auto req = new_request(m, v.vendor, p.truck);
    req->mapping_version = (entry ? entry->spec.mapping_version : std::string("-")) + "+mqtt";
    req->raw.body = m.payload;
    RecordResult rec;
    auto error = [&](std::string pointer, std::string code, std::string detail) {
        rec.errors.push_back(RecordError{pointer, pointer, std::move(code), std::move(detail)});
    };
    NormalizedResult r;
    r.route_level = true;
    r.truck = p.truck;
    r.vendor_ref = text_at(doc, v.route_event_id).value_or("");
    if (r.vendor_ref.empty()) error(v.route_event_id, "missing_field", "the event id is missing");
    r.route.id = text_at(doc, v.route_event_route).value_or("");
    if (r.route.id.empty()) error(v.route_event_route, "missing_field", "the route id is missing");
    const auto date = text_at(doc, v.route_event_date);
    if (auto iso = date ? parse_vendor_date(*date, v.route_event_date_format) : std::nullopt)
        r.route.date = *iso;
    else
        error(v.route_event_date, "invalid_value", "the route date is missing or not a date");
    r.vendor_reason = text_at(doc, v.route_event_code).value_or("");
    if (const auto it = v.route_event_codes.find(r.vendor_reason);
        it != v.route_event_codes.end()) {
        r.outcome = it->second.outcome;
        r.reason = it->second.reason;
    } else {
        error(v.route_event_code, "unmapped_code",
              "'" + r.vendor_reason + "' is not a route-level code of " + v.vendor);
    }
    r.detail = text_at(doc, v.route_event_detail).value_or("");
    r.occurred_at = text_at(doc, v.route_event_occurred_at);
    r.service_date = r.route.date;
    r.pointer = "";
    // Not through a mapping: the standard fields' default text limits (string_limits.h).
    for (const auto& e : check_result_strings(r)) {
        const auto& at = e.field == "detail"       ? v.route_event_detail
                         : e.field == "vendor_ref" ? v.route_event_id
                         : e.field == "route_id"   ? v.route_event_route
                         : e.field == "reason"     ? v.route_event_code
                                                   : e.field;
        error(at, e.code, e.detail);
    }
    rec.result = std::move(r);
    req->normalized.records.push_back(std::move(rec));
    return req;
}

}  // namespace fieldgate::mqtt
