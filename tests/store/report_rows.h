// Rows of the tables reports read, as INSERT statements both SQLite and PostgreSQL accept: each
// row with the fields a report looks at and the rest filled as NOT NULL requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report_repository.h"

namespace fieldgate::test::report_rows {

inline const std::string kVendor = "riverbend-recycling";
inline const std::string kOther = "northside-hauling";

inline std::string lit(const std::optional<std::string>& v) {
    if (!v) return "NULL";
    std::string out = "'";
    for (char c : *v) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

inline std::string lit(const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : "NULL";
}

struct Order {
    std::string id{};
    std::optional<std::string> vendor = kVendor;
    std::string scheduled_date = "2026-12-01";
    std::string status = "dispatched";
    std::optional<std::int64_t> outcome_id{};
    std::optional<std::string> overdue_at{};
};

inline std::string insert(const Order& o) {
    return "INSERT INTO work_orders (id, crm_case_id, service_type, address, scheduled_date, "
           "items, instructions, customer, vendor, status, outcome_id, content_hash, created_at, "
           "updated_at, overdue_at) VALUES (" +
           lit(o.id) + ", " + lit("case-" + o.id) + ", 'bulky', '1 Main St', " +
           lit(o.scheduled_date) + ", '[]', '', '{}', " + lit(o.vendor) + ", " + lit(o.status) +
           ", " + lit(o.outcome_id) +
           ", 'h', '2026-11-30T08:00:00.000Z', '2026-11-30T08:00:00.000Z', " + lit(o.overdue_at) +
           ");";
}

struct Outcome {
    std::int64_t id = 0;
    std::string work_order_id{};
    std::string disposition = "applied";
    std::string received_at = "2026-12-01T10:00:00.000Z";
    std::optional<std::string> outcome = "collected";
    std::optional<std::string> reason{};
    std::optional<std::string> occurred_at{};
    std::string evidence = "{}";
    std::int64_t evidence_complete = 0;
    std::string vendor = kVendor;
};

inline std::string insert(const Outcome& o) {
    const auto id = std::to_string(o.id);
    return "INSERT INTO outcomes (id, work_order_id, vendor, source, vendor_ref, content_hash, "
           "disposition, outcome, reason, occurred_at, received_at, photos, mapping_version, "
           "catalog_version, evidence, evidence_complete) VALUES (" +
           id + ", " + lit(o.work_order_id) + ", " + lit(o.vendor) + ", 'webhook', 'ref-" + id +
           "', 'h" + id + "', " + lit(o.disposition) + ", " + lit(o.outcome) + ", " +
           lit(o.reason) + ", " + lit(o.occurred_at) + ", " + lit(o.received_at) +
           ", '[]', 'm1', 'c1', " + lit(o.evidence) + ", " + std::to_string(o.evidence_complete) +
           ");";
}

struct Refusal {
    std::int64_t id = 0;
    std::optional<std::string> vendor = kVendor;
    std::string problem_type = "schema-invalid";
    std::string received_at = "2026-12-01T10:00:00.000Z";
    std::int64_t attempts = 1;
    std::string state = "open";
    std::string problem = "{}";
};

// Quarantine rows point at a raw payload: the first refusal of a case writes one.
inline std::string insert(const Refusal& q) {
    const auto id = std::to_string(q.id);
    return "INSERT INTO raw_payloads (id, channel, received_at, headers, body, body_sha256) "
           "VALUES (" +
           id + ", 'webhook', " + lit(q.received_at) + ", '{}', '', 'b" + id +
           "'); INSERT INTO quarantine (id, vendor, channel, raw_payload_id, body_sha256, "
           "received_at, last_seen_at, attempts, http_status, problem_type, problem, state) "
           "VALUES (" +
           id + ", " + lit(q.vendor) + ", 'webhook', " + id + ", 'b" + id + "', " +
           lit(q.received_at) + ", " + lit(q.received_at) + ", " + std::to_string(q.attempts) +
           ", 422, " + lit(q.problem_type) + ", " + lit(q.problem) + ", " + lit(q.state) + ");";
}

struct Event {
    std::int64_t id = 0;
    std::string work_order_id{};
    std::string state = "pending";
    std::string created_at = "2026-12-01T10:00:00.000Z";
    std::string destination = "crm";
    std::optional<std::int64_t> outcome_id{};
    std::optional<std::int64_t> last_status{};
    std::optional<std::string> dead_at{};
    std::optional<std::string> delivered_at{};
    std::int64_t attempts = 0;
    std::optional<std::string> last_error{};
};

inline std::string insert(const Event& e) {
    return "INSERT INTO outbox (id, work_order_id, event_type, status, outcome_id, created_at, "
           "state, attempts, last_error, delivered_at, destination, last_status, dead_at) "
           "VALUES (" +
           std::to_string(e.id) + ", " + lit(e.work_order_id) +
           ", 'status_changed', 'completed', " + lit(e.outcome_id) + ", " + lit(e.created_at) +
           ", " + lit(e.state) + ", " + std::to_string(e.attempts) + ", " + lit(e.last_error) +
           ", " + lit(e.delivered_at) + ", " + lit(e.destination) + ", " + lit(e.last_status) +
           ", " + lit(e.dead_at) + ");";
}

inline std::vector<std::int64_t> ids_of(const std::vector<store::CorrectionRef>& refs) {
    std::vector<std::int64_t> out;
    for (const auto& r : refs) out.push_back(r.outcome_id);
    return out;
}

}  // namespace fieldgate::test::report_rows
