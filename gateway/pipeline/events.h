// The CRM event written to the outbox in the same transaction as the state change:
// a CloudEvents 1.0 structured envelope (the delivery worker signs and sends it).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "records.h"

#include "ids.h"

namespace fieldgate {

struct EventContext {
    std::string type_prefix;  // e.g. gov.sanjose.workorder
    std::string source;       // e.g. urn:fieldgate
};

// The outbox row for a status change; `outcome` is absent for changes that carry none.
store::OutboxEvent status_event(const EventContext& ctx, const store::WorkOrder& wo,
                                const std::string& status, std::optional<std::int64_t> outcome_id,
                                const std::string& at);

// The CloudEvents 1.0 envelope for an outbox row, rendered when it is delivered. Everything it
// reads is immutable once written (the outcome row, the order's case id), so a retry sends the
// same event. `outcome` may be null.
nlohmann::json render_event(const EventContext& ctx, const Catalog& catalog,
                            const store::OutboxEvent& event, const store::WorkOrder& wo,
                            const store::OutcomeRow* outcome);
// The CloudEvents `sequence` extension: the outbox id as 20 zero-padded digits, so it orders
// the events of one work order as strings too (outbox ids only grow).
std::string event_sequence(std::int64_t outbox_id);

// The outcome block shared by the CRM event and the work order API.
nlohmann::json outcome_json(const Catalog& catalog, const store::OutcomeRow& outcome);

}  // namespace fieldgate
