// What a vendor sees of a work order, in the pull feed and in pushes alike: the job, never the
// resident's contact details beyond what the vendor's folder allows (customer_fields_allowed).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "records.h"
#include "vendor_spec.h"

namespace fieldgate {

// id, crm_case_id, service_type, address, postal_code, location, scheduled_date, window, items,
// instructions, route, status, and `customer` holding only the allowed fields. An order that is
// not (or no longer) assigned to `vendor` shows only its id and crm_case_id.
nlohmann::json vendor_view(const store::WorkOrder& wo, const VendorSpec& vendor);

// The body pushed to a vendor for an outbox row whose destination is "vendor:<id>":
// {"change": assigned|cancelled|rescheduled|unassigned, "event_id": "evt_<outbox id>",
//  "at": <when the change was made>, "work_order": vendor_view(...)}. The order is rendered as it
//  is when the push is made.
nlohmann::json render_vendor_dispatch(const store::OutboxEvent& event, const store::WorkOrder& wo,
                                      const VendorSpec& vendor);

}  // namespace fieldgate
