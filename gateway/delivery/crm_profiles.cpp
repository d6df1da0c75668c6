#include "crm_profiles.h"

#include <stdexcept>

#include "lifecycle.h"

namespace fieldgate::delivery {

CrmProfile parse_crm_profile(const std::string& name) {
    if (name == "cloudevents") return CrmProfile::cloudevents;
    if (name == "open311") return CrmProfile::open311;
    throw std::invalid_argument("unknown CRM profile '" + name + "' (cloudevents or open311)");
}

namespace {

// Open311 knows two statuses; a case is closed once the work order reached a terminal status.
// The standard reason (or, for a completion, the outcome) travels as external_status_code and
// the catalog's customer message as status_notes.
nlohmann::json open311_update(const Catalog& catalog, const store::OutboxEvent& event,
                              const store::WorkOrder& wo, const store::OutcomeRow* outcome) {
    nlohmann::json body;
    body["service_request_id"] = wo.crm_case_id;
    body["status"] = is_terminal_status(event.status) ? "closed" : "open";
    body["updated_datetime"] = event.created_at;
    body["sequence"] = event_sequence(event.id);
    body["media_url"] = nullptr;
    body["external_status_code"] = event.status;
    std::string notes;
    if (outcome) {
        const auto o = outcome_json(catalog, *outcome);
        if (o["customer_message"].is_string()) notes = o["customer_message"].get<std::string>();
        if (o["reason"].is_string())
            body["external_status_code"] = o["reason"];
        else if (o["code"].is_string())
            body["external_status_code"] = o["code"];
        if (!outcome->result.photos.empty()) body["media_url"] = outcome->result.photos.front();
        if (outcome->result.occurred_at) body["updated_datetime"] = *outcome->result.occurred_at;
    }
    if (notes.empty()) {
        const auto dot = event.event_type.rfind('.');
        notes = "work order " +
                (dot == std::string::npos ? event.event_type : event.event_type.substr(dot + 1));
    }
    body["status_notes"] = notes;
    return body;
}

}  // namespace

RenderedEvent render_crm_event(CrmProfile profile, const EventContext& ctx, const Catalog& catalog,
                               const store::OutboxEvent& event, const store::WorkOrder& wo,
                               const store::OutcomeRow* outcome) {
    RenderedEvent r;
    r.id = event_id(event.id);
    if (profile == CrmProfile::open311) {
        r.content_type = "application/json";
        r.body = open311_update(catalog, event, wo, outcome).dump();
    } else {
        r.content_type = "application/cloudevents+json; charset=utf-8";
        r.body = render_event(ctx, catalog, event, wo, outcome).dump();
    }
    return r;
}

}  // namespace fieldgate::delivery
