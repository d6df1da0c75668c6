// Per vendor: last seen, accepted and refused counts, corrections of closed orders (with the
// latest few), top refusal reasons, unmapped codes seen, overdue orders, how far its outcomes
// wait for the CRM, and its events the CRM refused as too large (413: a count and the latest
// five), and for a polled vendor how its polling fares (last error, failures in a row and
// since when, last page stored, next request). Every query walks an index range of that vendor
// (outcomes_vendor_received, quarantine_vendor, work_orders_overdue) or the outbox's pending or
// dead rows (outbox_due, outbox_dead), never a whole table.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "time_util.h"
#include "transaction.h"

namespace fieldgate::ops {

// `since`: counts cover what was received at or after it (RFC 3339 UTC as stored).
nlohmann::json vendor_health(store::Transaction& db, const std::string& vendor,
                             const std::string& since, SysMillis now);

// The vendor code and field an unmapped-code problem names; empty when it names none.
std::pair<std::string, std::string> unmapped_code_of(const nlohmann::json& problem);

}  // namespace fieldgate::ops
