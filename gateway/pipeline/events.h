// The CRM event written to the outbox in the same transaction as the state change:
// a CloudEvents 1.0 structured envelope (the delivery worker signs and sends it).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "records.h"

namespace fieldgate {

struct EventContext {
    std::string type_prefix;  // e.g. gov.sanjose.workorder
    std::string source;       // e.g. urn:fieldgate
};

// `outcome` is absent for changes that carry none (e.g. dispatched).
store::OutboxEvent make_status_event(const EventContext& ctx, const Catalog& catalog,
                                     const store::WorkOrder& wo, const std::string& status,
                                     const store::OutcomeRow* outcome, const std::string& at);

// The outcome block shared by the CRM event and the work order API.
nlohmann::json outcome_json(const Catalog& catalog, const store::OutcomeRow& outcome);

}  // namespace fieldgate
