// The rows that tell a vendor about its work, written in the same writer transaction as the
// change itself: a vendor_feed row (what the vendor pulls with a cursor) and, for a vendor whose
// folder says dispatch mode push, an outbox row with destination "vendor:<id>".
#pragma once

#include <string>
#include <string_view>

#include "records.h"
#include "transaction.h"
#include "vendor_spec.h"

namespace fieldgate {

enum class DispatchChange { assigned, cancelled, rescheduled, unassigned };

const char* to_string(DispatchChange change);
// The outbox event type of a vendor push: "workorder.<change>".
std::string dispatch_event_type(DispatchChange change);
// "workorder.assigned" -> "assigned" (anything else is returned as it is).
std::string change_of_event_type(std::string_view event_type);
// "vendor:<id>"
std::string vendor_destination(std::string_view vendor_id);

// For `wo`'s vendor: the feed row, and when `vendor` is not null and pushes, the outbox row.
// `vendor` is null when the order's vendor is no longer configured (the feed row is still
// written, so nothing is lost if it comes back). Nothing at all for an order without a vendor.
void record_dispatch(store::Transaction& db, const store::WorkOrder& wo, const VendorSpec* vendor,
                     DispatchChange change, const std::string& at);

}  // namespace fieldgate
