// Rows of work orders and outcomes as the PostgreSQL repositories read them: the column lists
// and the mapping of a result row to the record, shared by the plain reads and the read-ahead.
#pragma once

#include "pg.h"
#include "records.h"

namespace fieldgate::store::pg_rows {

inline constexpr const char* kWorkOrderColumns =
    "id, crm_case_id, service_type, address, lat, lon, scheduled_date, window_start, window_end, "
    "items, instructions, customer, vendor, route_id, route_date, stop_seq, status, outcome_id, "
    "content_hash, created_at, updated_at, postal_code";

// The same columns without the resident's details and the item list: what result checks read.
inline constexpr const char* kWorkOrderStateColumns =
    "id, crm_case_id, service_type, address, lat, lon, scheduled_date, window_start, window_end, "
    "'[]', '', '{}', vendor, route_id, route_date, stop_seq, status, outcome_id, "
    "content_hash, created_at, updated_at, postal_code";

inline constexpr const char* kOutcomeColumns =
    "id, work_order_id, vendor, source, vendor_ref, content_hash, disposition, outcome, progress, "
    "reason, vendor_status, vendor_reason, detail, occurred_at, received_at, truck, crew, driver, "
    "lat, lon, gps_accuracy_m, photos, items_collected, route_level, mapping_version, "
    "catalog_version, raw_payload_id, record_pointer, evidence, evidence_complete";

WorkOrder read_work_order(const pg::Result& q, int row);
OutcomeRow read_outcome(const pg::Result& q, int row);

}  // namespace fieldgate::store::pg_rows
