// The two ways a CRM hears about a work order change: CloudEvents 1.0 structured JSON (the
// city CRM's own endpoint) or an Open311 GeoReport v2 service request update.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "catalog.h"
#include "events.h"
#include "records.h"

namespace fieldgate::delivery {

enum class CrmProfile { cloudevents, open311 };
CrmProfile parse_crm_profile(const std::string& name);  // throws std::invalid_argument

// The largest event body the CRM takes, in bytes: above it the city CRM answers 413 Content Too
// Large (1 MiB; docs/architecture.md "Delivery to the CRM"). The same for both profiles until
// an Open311 city documents a limit of its own. An event
// rendered larger is not sent: the delivery worker raises an ALERT, dead-letters it, and vendor
// health lists it (crm_delivery.too_large). The vendors' text limits (adapters/string_limits.h)
// keep an event well below it; this is the last word.
inline constexpr std::size_t kCloudEventsMaxBodyBytes = 1024 * 1024;
inline constexpr std::size_t kOpen311MaxBodyBytes = 1024 * 1024;
std::size_t max_body_bytes(CrmProfile profile);

struct RenderedEvent {
    std::string id;  // webhook-id: evt_<outbox id>, the same on every retry
    std::string content_type;
    std::string body;
    std::size_t max_body_bytes = 0;  // the receiver's limit; 0 = none known
};

// "not sent: the event is N bytes, over the CRM's limit of M bytes"; nullopt when it fits.
std::optional<std::string> over_body_limit(const RenderedEvent& event);

// `outcome` may be null (a status change that carries none).
RenderedEvent render_crm_event(CrmProfile profile, const EventContext& ctx, const Catalog& catalog,
                               const store::OutboxEvent& event, const store::WorkOrder& wo,
                               const store::OutcomeRow* outcome);

}  // namespace fieldgate::delivery
