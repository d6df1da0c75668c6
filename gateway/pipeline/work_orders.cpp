#include "work_orders.h"

#include "assignment.h"
#include "dispatch_rows.h"
#include "ids.h"
#include "input_limits.h"
#include "schedule.h"
#include "time_util.h"
#include "transaction.h"

namespace fieldgate {

WorkOrderService::WorkOrderService(const GatewayConfig& config, const Catalog& catalog,
                                   store::Writer& writer, store::ReadPool& reads, Vendors vendors)
    : config_(config),
      catalog_(catalog),
      writer_(writer),
      reads_(reads),
      vendors_(std::move(vendors)),
      schema_(JsonSchema::from_file(config.api_schemas_dir + "/work-order.schema.json")),
      events_{config.event_type_prefix, config.event_source} {}

std::variant<ApiError, store::WorkOrder> WorkOrderService::parse(const std::string& body) const {
    const auto vendors = vendors_();
    return parse(body, vendors.get());
}

std::variant<ApiError, store::WorkOrder> WorkOrderService::parse(
    const std::string& body, const VendorRegistry* vendors) const {
    auto vendor_exists = [vendors](const std::string& id) {
        // "crew:<crew>": a city crew on tablets (gateway/sync), not a configured vendor.
        if (id.rfind("crew:", 0) == 0 && id.size() > 5) return true;
        return vendors != nullptr && vendors->find(id) != nullptr;
    };
    if (auto refused = json_body_problem(body)) return bad_request("malformed", *refused, "");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& e) {
        return bad_request("malformed", std::string("the body is not valid JSON: ") + e.what(), "");
    }
    if (auto violations = schema_.validate(j); !violations.empty()) {
        const auto& v = violations.front();
        return unprocessable("invalid-field", v.detail, v.pointer);
    }
    store::WorkOrder wo;
    wo.crm_case_id = j["crm_case_id"];
    wo.service_type = j["service_type"];
    wo.address = j["address"];
    wo.lat = j["location"]["lat"].get<double>();
    wo.lon = j["location"]["lon"].get<double>();
    if (j.contains("postal_code"))
        wo.postal_code = j["postal_code"].get<std::string>();
    else
        wo.postal_code = zip_from_address(wo.address);
    auto schedule = parse_schedule(j);
    if (auto* error = std::get_if<ApiError>(&schedule)) return std::move(*error);
    auto& when = std::get<Schedule>(schedule);
    wo.scheduled_date = std::move(when.scheduled_date);
    wo.window_start = std::move(when.window_start);
    wo.window_end = std::move(when.window_end);
    wo.items_json = j.value("items", nlohmann::json::array()).dump();
    wo.instructions = j.value("instructions", "");
    wo.customer_json = j.value("customer", nlohmann::json::object()).dump();
    if (j.contains("route")) {
        wo.route_id = j["route"]["id"].get<std::string>();
        wo.route_date = j["route"]["date"].get<std::string>();
        if (!is_iso_date(*wo.route_date))
            return unprocessable("invalid-field", "route.date must be YYYY-MM-DD", "/route/date");
        if (j["route"].contains("stop_seq")) {
            const auto& s = j["route"]["stop_seq"];
            wo.stop_seq = s.is_string() ? s.get<std::string>() : std::to_string(s.get<long long>());
        }
    }
    if (j.contains("vendor")) {
        wo.vendor = j["vendor"].get<std::string>();
        if (!vendor_exists(*wo.vendor))
            return unprocessable("unknown-vendor", "no vendor '" + *wo.vendor + "' is configured",
                                 "/vendor");
    } else {
        const AssignmentFacts facts{wo.service_type, wo.postal_code, *wo.lat, *wo.lon,
                                    wo.scheduled_date};
        const AssignmentRule* rule = match_rule(config_.assignment_rules, facts);
        if (rule == nullptr) {
            return unprocessable(
                "no-assignment",
                "no assignment rule matches this order (service_type '" + wo.service_type +
                    "', postal code " + wo.postal_code.value_or("none") + ", " +
                    weekday_of(wo.scheduled_date).value_or("?") + ", location " +
                    nlohmann::json(*wo.lat).dump() + "," + nlohmann::json(*wo.lon).dump() +
                    "); name a vendor or add a rule",
                "/service_type");
        }
        wo.vendor = rule->vendor;
        if (!vendor_exists(*wo.vendor)) {
            return ApiError{500,
                            "misconfigured-assignment",
                            "Assignment rule names an unknown vendor",
                            "the assignment rule for '" + rule->service_type + "' names vendor '" +
                                *wo.vendor + "', which is not configured",
                            "",
                            nlohmann::json::object()};
        }
    }
    wo.content_hash = sha256_hex(j.dump());
    return wo;
}

void WorkOrderService::create(const std::string& body,
                              std::function<void(std::variant<ApiError, CreatedWorkOrder>)> done) {
    auto vendors = vendors_();
    auto parsed = parse(body, vendors.get());
    if (auto* error = std::get_if<ApiError>(&parsed)) {
        done(std::move(*error));
        return;
    }
    auto wo = std::make_shared<store::WorkOrder>(std::get<store::WorkOrder>(std::move(parsed)));
    auto outcome = std::make_shared<std::variant<ApiError, CreatedWorkOrder>>();
    auto job = [this, wo, outcome, vendors](store::Transaction& db) {
        if (auto existing = db.find_work_order_by_case(wo->crm_case_id)) {
            if (existing->content_hash == wo->content_hash) {
                *outcome = CreatedWorkOrder{200, to_json(db, *existing)};
            } else {
                ApiError e{409,
                           "work-order-exists",
                           "Work order exists",
                           "a work order for " + wo->crm_case_id +
                               " already exists with different content (" + existing->id +
                               "); use cancel or reschedule to change it",
                           "/crm_case_id",
                           nlohmann::json::object()};
                e.extra["work_order_id"] = existing->id;
                *outcome = std::move(e);
            }
            return;
        }
        const std::string now = now_utc();
        wo->id = time_ordered_id("wo_");
        wo->status = wo->vendor ? "dispatched" : "received";
        wo->created_at = wo->updated_at = now;
        db.insert_work_order(*wo);
        db.append_history(wo->id, store::HistoryEntry{now, std::nullopt, "received", "crm",
                                                      std::nullopt, std::nullopt});
        if (wo->vendor) {
            db.append_history(
                wo->id, store::HistoryEntry{now, "received", "dispatched", "gateway", std::nullopt,
                                            "assigned to " + *wo->vendor});
            db.enqueue_event(status_event(events_, *wo, "dispatched", std::nullopt, now));
            const auto* vendor = vendors ? vendors->find(*wo->vendor) : nullptr;
            record_dispatch(db, *wo, vendor ? &vendor->spec : nullptr, DispatchChange::assigned,
                            now);
        }
        *outcome = CreatedWorkOrder{201, to_json(db, *wo)};
    };
    const bool queued = writer_.submit(job, [outcome, done](std::exception_ptr error) {
        if (error) {
            done(store_unavailable(error));
            return;
        }
        done(std::move(*outcome));
    });
    if (!queued) {
        done(ApiError{503, "overloaded", "Gateway overloaded",
                      "the write queue is full; retry later", "", nlohmann::json::object()});
    }
}

nlohmann::json WorkOrderService::to_json(store::Transaction& db, const store::WorkOrder& wo) const {
    nlohmann::json j;
    j["id"] = wo.id;
    j["crm_case_id"] = wo.crm_case_id;
    j["service_type"] = wo.service_type;
    j["address"] = wo.address;
    j["postal_code"] = wo.postal_code ? nlohmann::json(*wo.postal_code) : nlohmann::json(nullptr);
    j["location"] = {{"lat", wo.lat ? *wo.lat : 0.0}, {"lon", wo.lon ? *wo.lon : 0.0}};
    j["scheduled_date"] = wo.scheduled_date;
    j["window"] = wo.window_start
                      ? nlohmann::json{{"start", *wo.window_start}, {"end", *wo.window_end}}
                      : nlohmann::json(nullptr);
    j["items"] = nlohmann::json::parse(wo.items_json);
    j["instructions"] = wo.instructions;
    j["customer"] = nlohmann::json::parse(wo.customer_json);
    j["vendor"] = wo.vendor ? nlohmann::json(*wo.vendor) : nlohmann::json(nullptr);
    if (wo.route_id) {
        j["route"] = {{"id", *wo.route_id}, {"date", wo.route_date ? *wo.route_date : ""}};
        if (wo.stop_seq) j["route"]["stop_seq"] = *wo.stop_seq;
    } else {
        j["route"] = nullptr;
    }
    j["status"] = wo.status;
    j["outcome"] = nullptr;
    if (wo.outcome_id) {
        if (auto o = db.find_outcome(*wo.outcome_id)) j["outcome"] = outcome_json(catalog_, *o);
    }
    j["history"] = nlohmann::json::array();
    for (const auto& h : db.list_history(wo.id)) {
        nlohmann::json e = {
            {"at", h.at},
            {"from", h.from_status ? nlohmann::json(*h.from_status) : nlohmann::json(nullptr)},
            {"to", h.to_status},
            {"source", h.source}};
        if (h.outcome_id) e["outcome_id"] = "oc_" + std::to_string(*h.outcome_id);
        if (h.note) e["note"] = *h.note;
        j["history"].push_back(e);
    }
    j["created_at"] = wo.created_at;
    j["updated_at"] = wo.updated_at;
    return j;
}

std::optional<nlohmann::json> WorkOrderService::get(const std::string& id) {
    auto db = reads_.acquire();
    auto wo = db->find_work_order(id);
    if (!wo) return std::nullopt;
    return to_json(*db, *wo);
}

std::optional<nlohmann::json> WorkOrderService::find_by_case(const std::string& crm_case_id) {
    auto db = reads_.acquire();
    auto wo = db->find_work_order_by_case(crm_case_id);
    if (!wo) return std::nullopt;
    return to_json(*db, *wo);
}

}  // namespace fieldgate
