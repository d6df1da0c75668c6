#include "events.h"

namespace fieldgate {

nlohmann::json outcome_json(const Catalog& catalog, const store::OutcomeRow& o) {
    const auto& r = o.result;
    nlohmann::json j;
    j["id"] = "oc_" + std::to_string(o.id);
    j["code"] = r.outcome.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.outcome);
    j["progress"] = r.progress.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.progress);
    j["reason"] = r.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.reason);
    const ReasonInfo* reason = r.reason.empty() ? nullptr : catalog.reason(r.reason);
    j["attribution"] = reason ? nlohmann::json(reason->attribution) : nlohmann::json(nullptr);
    // The message of this outcome x reason (a partial pickup is told what was and was not
    // collected); its id names the pair and the text's version, so the CRM can tell which
    // text it sent. A progress report carries none.
    const auto message =
        r.outcome.empty() ? std::nullopt : catalog.message_for(r.outcome, r.reason);
    j["customer_message"] = message ? nlohmann::json(message->text) : nlohmann::json(nullptr);
    j["customer_message_version"] = message ? nlohmann::json(message->id) : nlohmann::json(nullptr);
    j["reschedule"] = reason ? reason->reschedule : false;
    j["detail"] = r.detail;
    j["occurred_at"] = r.occurred_at ? nlohmann::json(*r.occurred_at) : nlohmann::json(nullptr);
    j["received_at"] = o.received_at;
    j["source"] = o.source;
    j["vendor"] = o.vendor;
    j["vendor_ref"] = o.vendor_ref;
    j["vendor_status"] = r.vendor_status;
    j["vendor_reason"] = r.vendor_reason;
    j["photos"] = r.photos;
    if (r.lat && r.lon) {
        j["gps"] = {{"lat", *r.lat}, {"lon", *r.lon}};
        if (r.gps_accuracy_m) j["gps"]["accuracy_m"] = *r.gps_accuracy_m;
    } else {
        j["gps"] = nullptr;
    }
    j["truck"] = r.truck;
    j["crew"] = r.crew;
    j["mapping_version"] = o.mapping_version;
    j["catalog_version"] = o.catalog_version;
    j["evidence"] = nlohmann::json::parse(o.evidence_json);
    j["disposition"] = o.disposition;
    j["route_level"] = r.route_level;
    return j;
}

std::string event_sequence(std::int64_t outbox_id) {
    std::string digits = std::to_string(outbox_id);
    return std::string(digits.size() < 20 ? 20 - digits.size() : 0, '0') + digits;
}

store::OutboxEvent status_event(const EventContext& ctx, const store::WorkOrder& wo,
                                const std::string& status, std::optional<std::int64_t> outcome_id,
                                const std::string& at) {
    store::OutboxEvent e;
    e.work_order_id = wo.id;
    e.event_type = ctx.type_prefix + "." + status;
    e.status = status;
    e.outcome_id = outcome_id;
    e.created_at = at;
    return e;
}

nlohmann::json render_event(const EventContext& ctx, const Catalog& catalog,
                            const store::OutboxEvent& event, const store::WorkOrder& wo,
                            const store::OutcomeRow* outcome) {
    nlohmann::json data = {
        {"work_order_id", wo.id},
        {"crm_case_id", wo.crm_case_id},
        {"status", event.status},
        {"vendor", wo.vendor ? nlohmann::json(*wo.vendor) : nlohmann::json(nullptr)},
        {"outcome", outcome ? outcome_json(catalog, *outcome) : nlohmann::json(nullptr)},
    };
    if (event.extra_json) data["extra"] = nlohmann::json::parse(*event.extra_json);
    return {
        {"specversion", "1.0"},
        {"id", event_id(event.id)},
        {"source", ctx.source},
        {"type", event.event_type},
        {"subject", wo.crm_case_id},
        {"time", event.created_at},
        {"sequence", event_sequence(event.id)},
        {"datacontenttype", "application/json"},
        {"data", std::move(data)},
    };
}

}  // namespace fieldgate
