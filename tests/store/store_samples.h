// Rows the repository tests store, and how they recognize a row a unique constraint refused.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string>

#include "pg.h"
#include "records.h"
#include "sqlite.h"

namespace fieldgate::test {

// An order dispatched to a vendor route, every optional column set.
inline store::WorkOrder sample_order(const std::string& id, const std::string& crm_case_id) {
    store::WorkOrder wo;
    wo.id = id;
    wo.crm_case_id = crm_case_id;
    wo.service_type = "bulk_pickup";
    wo.address = "12 Elm St, Springfield";
    wo.lat = 39.781721;
    wo.lon = -89.650148;
    wo.scheduled_date = "2026-12-04";
    wo.window_start = "08:00";
    wo.window_end = "12:00";
    wo.items_json = R"([{"code":"SOFA","qty":1}])";
    wo.instructions = "Behind the garage";
    wo.customer_json = R"({"name":"R. Ortiz","phone":"+12175550100"})";
    wo.vendor = "riverbend-recycling";
    wo.route_id = "R7";
    wo.route_date = "2026-12-04";
    wo.stop_seq = "3";
    wo.status = "dispatched";
    wo.outcome_id = 41;
    wo.content_hash = "h-" + id;
    wo.created_at = "2026-12-01T09:00:00.000Z";
    wo.updated_at = "2026-12-01T09:00:00.000Z";
    wo.postal_code = "62701";
    return wo;
}

// The same order as the CRM first sends it: no coordinates, window, route or outcome.
inline store::WorkOrder bare_order(const std::string& id, const std::string& crm_case_id) {
    auto wo = sample_order(id, crm_case_id);
    wo.lat = wo.lon = std::nullopt;
    wo.window_start = wo.window_end = std::nullopt;
    wo.vendor = wo.route_id = wo.route_date = wo.stop_seq = std::nullopt;
    wo.outcome_id = std::nullopt;
    wo.postal_code = std::nullopt;
    wo.status = "received";
    return wo;
}

// True when `insert` throws because a unique constraint (or primary key) refused the row.
inline bool refused_as_duplicate(const std::function<void()>& insert) {
    try {
        insert();
    } catch (const pg::Error& e) {
        return e.unique_violation();
    } catch (const sqlite::Error& e) {
        return (e.code() & 0xff) == SQLITE_CONSTRAINT;
    }
    return false;
}

}  // namespace fieldgate::test
