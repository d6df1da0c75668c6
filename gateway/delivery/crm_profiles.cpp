#include "crm_profiles.h"

#include <stdexcept>

#include "lifecycle.h"

namespace fieldgate::delivery {

CrmProfile parse_crm_profile(const std::string& name) {
    if (name == "cloudevents") return CrmProfile::cloudevents;
    if (name == "open311") return CrmProfile::open311;
    throw std::invalid_argument("unknown CRM profile '" + name + "' (cloudevents or open311)");
}

std::size_t max_body_bytes(CrmProfile profile) {
    return profile == CrmProfile::open311 ? kOpen311MaxBodyBytes : kCloudEventsMaxBodyBytes;
}

std::optional<std::string> over_body_limit(const RenderedEvent& event) {
    if (event.max_body_bytes == 0 || event.body.size() <= event.max_body_bytes) return std::nullopt;
    return "not sent: the event is " + std::to_string(event.body.size()) +
           " bytes, over the CRM's limit of " + std::to_string(event.max_body_bytes) + " bytes";
}

namespace {

// Open311 knows two statuses; a case is closed once the work order reached a terminal status.
// What a GeoReport v2 client reads tells a partial pickup from a non-collection: status_notes is
// the catalog's message for the outcome x reason, service_notice names both in words, and
// external_status_code is the pair ("PARTIALLY_COMPLETED/OVER_SIZE_LIMIT"). updated_datetime is
// the time of the update (when the gateway recorded the change, never earlier than the order's
// previous update); the field's own time travels in occurred_datetime.
nlohmann::json open311_update(const Catalog& catalog, const store::OutboxEvent& event,
                              const store::WorkOrder& wo, const store::OutcomeRow* outcome) {
    nlohmann::json body;
    body["service_request_id"] = wo.crm_case_id;
    body["status"] = is_terminal_status(event.status) ? "closed" : "open";
    body["updated_datetime"] = event.created_at;
    body["occurred_datetime"] = nullptr;
    body["sequence"] = event_sequence(event.id);
    body["media_url"] = nullptr;
    body["external_status_code"] = event.status;
    body["service_notice"] = nullptr;
    body["status_notes_version"] = nullptr;
    std::string notes;
    if (outcome) {
        const auto o = outcome_json(catalog, *outcome);
        if (o["customer_message"].is_string()) {
            notes = o["customer_message"].get<std::string>();
            body["status_notes_version"] = o["customer_message_version"];
        }
        const auto& r = outcome->result;
        if (const OutcomeInfo* info = catalog.outcome(r.outcome)) {
            const ReasonInfo* reason = r.reason.empty() ? nullptr : catalog.reason(r.reason);
            body["external_status_code"] =
                r.reason.empty() ? r.outcome : r.outcome + "/" + r.reason;
            body["service_notice"] = reason ? info->label + ": " + reason->label : info->label;
        } else if (!r.progress.empty()) {
            body["external_status_code"] = r.progress;
        }
        if (!r.photos.empty()) body["media_url"] = r.photos.front();
        if (r.occurred_at) body["occurred_datetime"] = *r.occurred_at;
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
    r.max_body_bytes = max_body_bytes(profile);
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
