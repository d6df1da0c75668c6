#include "pg_rows.h"

#include <nlohmann/json.hpp>

namespace fieldgate::store::pg_rows {

WorkOrder read_work_order(const pg::Result& q, int row) {
    WorkOrder wo;
    wo.id = q.text(row, 0);
    wo.crm_case_id = q.text(row, 1);
    wo.service_type = q.text(row, 2);
    wo.address = q.text(row, 3);
    wo.lat = q.optional_real(row, 4);
    wo.lon = q.optional_real(row, 5);
    wo.scheduled_date = q.text(row, 6);
    wo.window_start = q.optional_text(row, 7);
    wo.window_end = q.optional_text(row, 8);
    wo.items_json = q.text(row, 9);
    wo.instructions = q.text(row, 10);
    wo.customer_json = q.text(row, 11);
    wo.vendor = q.optional_text(row, 12);
    wo.route_id = q.optional_text(row, 13);
    wo.route_date = q.optional_text(row, 14);
    wo.stop_seq = q.optional_text(row, 15);
    wo.status = q.text(row, 16);
    wo.outcome_id = q.optional_integer(row, 17);
    wo.content_hash = q.text(row, 18);
    wo.created_at = q.text(row, 19);
    wo.updated_at = q.text(row, 20);
    wo.postal_code = q.optional_text(row, 21);
    return wo;
}

OutcomeRow read_outcome(const pg::Result& q, int i) {
    OutcomeRow row;
    row.id = q.integer(i, 0);
    row.work_order_id = q.text(i, 1);
    row.vendor = q.text(i, 2);
    row.source = q.text(i, 3);
    row.vendor_ref = q.text(i, 4);
    row.content_hash = q.text(i, 5);
    row.disposition = q.text(i, 6);
    auto& r = row.result;
    r.vendor_ref = row.vendor_ref;
    r.outcome = q.text(i, 7);
    r.progress = q.text(i, 8);
    r.reason = q.text(i, 9);
    r.vendor_status = q.text(i, 10);
    r.vendor_reason = q.text(i, 11);
    r.detail = q.text(i, 12);
    r.occurred_at = q.optional_text(i, 13);
    row.received_at = q.text(i, 14);
    r.truck = q.text(i, 15);
    r.crew = q.text(i, 16);
    r.driver = q.text(i, 17);
    r.lat = q.optional_real(i, 18);
    r.lon = q.optional_real(i, 19);
    r.gps_accuracy_m = q.optional_real(i, 20);
    r.photos = nlohmann::json::parse(q.text(i, 21)).get<std::vector<std::string>>();
    r.items_collected = q.optional_integer(i, 22);
    r.route_level = q.integer(i, 23) != 0;
    row.mapping_version = q.text(i, 24);
    row.catalog_version = q.text(i, 25);
    row.raw_payload_id = q.optional_integer(i, 26);
    r.pointer = q.text(i, 27);
    row.evidence_json = q.text(i, 28);
    row.evidence_complete = q.integer(i, 29) != 0;
    return row;
}

}  // namespace fieldgate::store::pg_rows
