// The two ways a CRM hears about a work order change: CloudEvents 1.0 structured JSON (the
// city CRM's own endpoint) or an Open311 GeoReport v2 service request update.
#pragma once

#include <string>

#include "catalog.h"
#include "events.h"
#include "records.h"

namespace fieldgate::delivery {

enum class CrmProfile { cloudevents, open311 };
CrmProfile parse_crm_profile(const std::string& name);  // throws std::invalid_argument

struct RenderedEvent {
    std::string id;  // webhook-id: evt_<outbox id>, the same on every retry
    std::string content_type;
    std::string body;
};

// `outcome` may be null (a status change that carries none).
RenderedEvent render_crm_event(CrmProfile profile, const EventContext& ctx, const Catalog& catalog,
                               const store::OutboxEvent& event, const store::WorkOrder& wo,
                               const store::OutcomeRow* outcome);

}  // namespace fieldgate::delivery
