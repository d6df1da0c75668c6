#include "work_order_sql.h"

#include <nlohmann/json.hpp>

#include "dispatch_sql.h"
#include "ids.h"

namespace fieldgate::store {

namespace {

constexpr const char* kWorkOrderColumns =
    "id, crm_case_id, service_type, address, lat, lon, scheduled_date, window_start, window_end, "
    "items, instructions, customer, vendor, route_id, route_date, stop_seq, status, outcome_id, "
    "content_hash, created_at, updated_at, postal_code";

// The same columns without the resident's details and the item list: what result checks read.
constexpr const char* kWorkOrderStateColumns =
    "id, crm_case_id, service_type, address, lat, lon, scheduled_date, window_start, window_end, "
    "'[]', '', '{}', vendor, route_id, route_date, stop_seq, status, outcome_id, "
    "content_hash, created_at, updated_at, postal_code";

WorkOrder read_work_order(const sqlite::Statement& q) {
    WorkOrder wo;
    wo.id = q.text(0);
    wo.crm_case_id = q.text(1);
    wo.service_type = q.text(2);
    wo.address = q.text(3);
    wo.lat = q.optional_real(4);
    wo.lon = q.optional_real(5);
    wo.scheduled_date = q.text(6);
    wo.window_start = q.optional_text(7);
    wo.window_end = q.optional_text(8);
    wo.items_json = q.text(9);
    wo.instructions = q.text(10);
    wo.customer_json = q.text(11);
    wo.vendor = q.optional_text(12);
    wo.route_id = q.optional_text(13);
    wo.route_date = q.optional_text(14);
    wo.stop_seq = q.optional_text(15);
    wo.status = q.text(16);
    wo.outcome_id = q.optional_integer(17);
    wo.content_hash = q.text(18);
    wo.created_at = q.text(19);
    wo.updated_at = q.text(20);
    wo.postal_code = q.optional_text(21);
    return wo;
}

std::optional<WorkOrder> find_work_order_where(sqlite::Connection& db, const std::string& column,
                                               const std::string& value,
                                               const char* columns = kWorkOrderColumns) {
    auto q =
        db.prepare(std::string("SELECT ") + columns + " FROM work_orders WHERE " + column + " = ?");
    q->bind(1, value);
    if (!q->step()) return std::nullopt;
    return read_work_order(*q);
}

std::optional<std::string> non_empty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return s;
}

}  // namespace

std::optional<WorkOrder> find_work_order(sqlite::Connection& db, const std::string& id) {
    return find_work_order_where(db, "id", id);
}

std::optional<WorkOrder> find_work_order_by_case(sqlite::Connection& db,
                                                 const std::string& crm_case_id) {
    return find_work_order_where(db, "crm_case_id", crm_case_id);
}

std::optional<WorkOrder> find_work_order_state_by_case(sqlite::Connection& db,
                                                       const std::string& crm_case_id) {
    return find_work_order_where(db, "crm_case_id", crm_case_id, kWorkOrderStateColumns);
}

void insert_work_order(sqlite::Connection& db, const WorkOrder& wo) {
    auto q = db.prepare(std::string("INSERT INTO work_orders (") + kWorkOrderColumns +
                        ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q->bind(1, wo.id)
        .bind(2, wo.crm_case_id)
        .bind(3, wo.service_type)
        .bind(4, wo.address)
        .bind(5, wo.lat)
        .bind(6, wo.lon)
        .bind(7, wo.scheduled_date)
        .bind(8, wo.window_start)
        .bind(9, wo.window_end)
        .bind(10, wo.items_json)
        .bind(11, wo.instructions)
        .bind(12, wo.customer_json)
        .bind(13, wo.vendor)
        .bind(14, wo.route_id)
        .bind(15, wo.route_date)
        .bind(16, wo.stop_seq)
        .bind(17, wo.status)
        .bind(18, wo.outcome_id)
        .bind(19, wo.content_hash)
        .bind(20, wo.created_at)
        .bind(21, wo.updated_at)
        .bind(22, wo.postal_code)
        .run();
}

void update_work_order_status(sqlite::Connection& db, const std::string& id,
                              const std::string& status, std::optional<std::int64_t> outcome_id,
                              const std::string& at) {
    auto q = db.prepare(
        "UPDATE work_orders SET status = ?, outcome_id = COALESCE(?, outcome_id), updated_at = ? "
        "WHERE id = ?");
    q->bind(1, status).bind(2, outcome_id).bind(3, at).bind(4, id).run();
}

void append_history(sqlite::Connection& db, const std::string& work_order_id,
                    const HistoryEntry& e) {
    auto q = db.prepare(
        "INSERT INTO work_order_history (work_order_id, at, from_status, to_status, source, "
        "outcome_id, note) VALUES (?,?,?,?,?,?,?)");
    q->bind(1, work_order_id)
        .bind(2, e.at)
        .bind(3, e.from_status)
        .bind(4, e.to_status)
        .bind(5, e.source)
        .bind(6, e.outcome_id)
        .bind(7, e.note)
        .run();
}

std::vector<HistoryEntry> list_history(sqlite::Connection& db, const std::string& work_order_id) {
    auto q = db.prepare(
        "SELECT at, from_status, to_status, source, outcome_id, note FROM work_order_history "
        "WHERE work_order_id = ? ORDER BY id");
    q->bind(1, work_order_id);
    std::vector<HistoryEntry> out;
    while (q->step()) {
        out.push_back(HistoryEntry{q->text(0), q->optional_text(1), q->text(2), q->text(3),
                                   q->optional_integer(4), q->optional_text(5)});
    }
    return out;
}

std::vector<WorkOrder> open_orders_on_route(sqlite::Connection& db, const std::string& vendor,
                                            const std::string& route_id,
                                            const std::string& route_date) {
    auto q =
        db.prepare(std::string("SELECT ") + kWorkOrderStateColumns +
                   " FROM work_orders WHERE vendor = ? AND route_id = ? AND route_date = ? AND "
                   "status NOT IN ('completed','partially_completed','not_collected','cancelled') "
                   "ORDER BY stop_seq, id");
    q->bind(1, vendor).bind(2, route_id).bind(3, route_date);
    std::vector<WorkOrder> out;
    while (q->step()) out.push_back(read_work_order(*q));
    return out;
}

namespace {

constexpr const char* kOutcomeColumns =
    "id, work_order_id, vendor, source, vendor_ref, content_hash, disposition, outcome, progress, "
    "reason, vendor_status, vendor_reason, detail, occurred_at, received_at, truck, crew, driver, "
    "lat, lon, gps_accuracy_m, photos, items_collected, route_level, mapping_version, "
    "catalog_version, raw_payload_id, record_pointer, evidence, evidence_complete";

OutcomeRow read_outcome(const sqlite::Statement& q) {
    OutcomeRow row;
    row.id = q.integer(0);
    row.work_order_id = q.text(1);
    row.vendor = q.text(2);
    row.source = q.text(3);
    row.vendor_ref = q.text(4);
    row.content_hash = q.text(5);
    row.disposition = q.text(6);
    auto& r = row.result;
    r.vendor_ref = row.vendor_ref;
    r.outcome = q.text(7);
    r.progress = q.text(8);
    r.reason = q.text(9);
    r.vendor_status = q.text(10);
    r.vendor_reason = q.text(11);
    r.detail = q.text(12);
    r.occurred_at = q.optional_text(13);
    row.received_at = q.text(14);
    r.truck = q.text(15);
    r.crew = q.text(16);
    r.driver = q.text(17);
    r.lat = q.optional_real(18);
    r.lon = q.optional_real(19);
    r.gps_accuracy_m = q.optional_real(20);
    r.photos = nlohmann::json::parse(q.text(21)).get<std::vector<std::string>>();
    r.items_collected = q.optional_integer(22);
    r.route_level = q.integer(23) != 0;
    row.mapping_version = q.text(24);
    row.catalog_version = q.text(25);
    row.raw_payload_id = q.optional_integer(26);
    r.pointer = q.text(27);
    row.evidence_json = q.text(28);
    row.evidence_complete = q.integer(29) != 0;
    return row;
}

}  // namespace

std::optional<OutcomeRow> find_outcome_by_content(sqlite::Connection& db, const std::string& vendor,
                                                  const std::string& vendor_ref,
                                                  const std::string& work_order_id,
                                                  const std::string& content_hash) {
    auto q = db.prepare(std::string("SELECT ") + kOutcomeColumns +
                        " FROM outcomes WHERE vendor = ? AND vendor_ref = ? AND work_order_id = ? "
                        "AND content_hash = ?");
    q->bind(1, vendor).bind(2, vendor_ref).bind(3, work_order_id).bind(4, content_hash);
    if (!q->step()) return std::nullopt;
    return read_outcome(*q);
}

std::optional<OutcomeRow> find_outcome(sqlite::Connection& db, std::int64_t id) {
    auto q = db.prepare(std::string("SELECT ") + kOutcomeColumns + " FROM outcomes WHERE id = ?");
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    return read_outcome(*q);
}

bool outcome_ref_exists(sqlite::Connection& db, const std::string& vendor,
                        const std::string& vendor_ref) {
    auto q = db.prepare("SELECT 1 FROM outcomes WHERE vendor = ? AND vendor_ref = ? LIMIT 1");
    q->bind(1, vendor).bind(2, vendor_ref);
    return q->step();
}

std::int64_t insert_outcome(sqlite::Connection& db, const OutcomeRow& row) {
    const auto& r = row.result;
    auto q = db.prepare(
        "INSERT INTO outcomes (work_order_id, vendor, source, vendor_ref, content_hash, "
        "disposition, outcome, progress, reason, vendor_status, vendor_reason, detail, "
        "occurred_at, "
        "received_at, truck, crew, driver, lat, lon, gps_accuracy_m, photos, items_collected, "
        "route_level, mapping_version, catalog_version, raw_payload_id, record_pointer, evidence, "
        "evidence_complete) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q->bind(1, row.work_order_id)
        .bind(2, row.vendor)
        .bind(3, row.source)
        .bind(4, row.vendor_ref)
        .bind(5, row.content_hash)
        .bind(6, row.disposition)
        .bind(7, non_empty(r.outcome))
        .bind(8, non_empty(r.progress))
        .bind(9, non_empty(r.reason))
        .bind(10, r.vendor_status)
        .bind(11, r.vendor_reason)
        .bind(12, r.detail)
        .bind(13, r.occurred_at)
        .bind(14, row.received_at)
        .bind(15, r.truck)
        .bind(16, r.crew)
        .bind(17, r.driver)
        .bind(18, r.lat)
        .bind(19, r.lon)
        .bind(20, r.gps_accuracy_m)
        .bind(21, nlohmann::json(r.photos).dump())
        .bind(22, r.items_collected)
        .bind(23, r.route_level ? 1 : 0)
        .bind(24, row.mapping_version)
        .bind(25, row.catalog_version)
        .bind(26, row.raw_payload_id)
        .bind(27, r.pointer)
        .bind(28, row.evidence_json)
        .bind(29, row.evidence_complete ? 1 : 0)
        .run();
    return db.last_insert_rowid();
}

std::int64_t store_raw_payload(sqlite::Connection& db, const RawPayload& raw) {
    auto q = db.prepare(
        "INSERT INTO raw_payloads (vendor, channel, received_at, content_type, request_id, "
        "headers, "
        "body, body_sha256, truncated) VALUES (?,?,?,?,?,?,?,?,?)");
    q->bind(1, raw.vendor)
        .bind(2, raw.channel)
        .bind(3, raw.received_at)
        .bind(4, raw.content_type)
        .bind(5, raw.request_id)
        .bind(6, raw.headers_json)
        .bind_blob_static(7, raw.body)
        .bind(8, raw.body_sha256.empty() ? sha256_hex(raw.body) : raw.body_sha256)
        .bind(9, raw.truncated ? 1 : 0)
        .run();
    return db.last_insert_rowid();
}

std::int64_t quarantine(sqlite::Connection& db, QuarantineEntry e,
                        const std::function<std::int64_t()>& raw_payload_id) {
    // Found first, then updated by id: an UPDATE ... RETURNING (a trigger to SQLite) keeps a
    // statement journal, and inside the writer's SAVEPOINT each such statement cost time in
    // proportion to what the job had written so far: a repeated batch of 100,000 refused
    // results took 9 minutes in the writer instead of 2 s.
    std::int64_t id = 0;
    {
        auto find = db.prepare(
            "SELECT id FROM quarantine WHERE IFNULL(vendor, '') = IFNULL(?, '') "
            "AND body_sha256 = ? AND IFNULL(record_pointer, '') = IFNULL(?, '') "
            "AND problem_type = ?");
        find->bind(1, e.vendor)
            .bind(2, e.body_sha256)
            .bind(3, e.record_pointer)
            .bind(4, e.problem_type);
        if (find->step()) id = find->integer(0);
    }
    if (id != 0) {
        db.prepare(
              "UPDATE quarantine SET attempts = attempts + 1, last_seen_at = ?, http_status = ?, "
              "problem = ?, state = 'open' WHERE id = ?")
            ->bind(1, e.received_at)
            .bind(2, e.http_status)
            .bind(3, e.problem_json)
            .bind(4, id)
            .run();
        return id;
    }
    e.raw_payload_id = raw_payload_id();
    auto q = db.prepare(
        "INSERT INTO quarantine (vendor, channel, raw_payload_id, body_sha256, record_pointer, "
        "received_at, "
        "last_seen_at, attempts, http_status, problem_type, problem, state) "
        "VALUES (?,?,?,?,?,?,?,1,?,?,?,'open')");
    q->bind(1, e.vendor)
        .bind(2, e.channel)
        .bind(3, e.raw_payload_id)
        .bind(4, e.body_sha256)
        .bind(5, e.record_pointer)
        .bind(6, e.received_at)
        .bind(7, e.received_at)
        .bind(8, e.http_status)
        .bind(9, e.problem_type)
        .bind(10, e.problem_json)
        .run();
    return db.last_insert_rowid();
}

std::optional<StoredResponse> find_stored_response(sqlite::Connection& db,
                                                   const std::string& vendor,
                                                   const std::string& key) {
    auto q = db.prepare(
        "SELECT request_sha256, status, content_type, body FROM idempotency_keys "
        "WHERE vendor = ? AND key = ?");
    q->bind(1, vendor).bind(2, key);
    if (!q->step()) return std::nullopt;
    return StoredResponse{q->text(0), static_cast<int>(q->integer(1)), q->text(2), q->text(3)};
}

void store_response(sqlite::Connection& db, const std::string& vendor, const std::string& key,
                    const StoredResponse& r, const std::string& at) {
    auto q = db.prepare(
        "INSERT OR IGNORE INTO idempotency_keys (vendor, key, request_sha256, status, "
        "content_type, "
        "body, created_at) VALUES (?,?,?,?,?,?,?)");
    q->bind(1, vendor)
        .bind(2, key)
        .bind(3, r.request_sha256)
        .bind(4, r.status)
        .bind(5, r.content_type)
        .bind(6, r.body)
        .bind(7, at)
        .run();
}

std::int64_t enqueue_event(sqlite::Connection& db, const OutboxEvent& e) {
    return enqueue_event_to(db, e, "crm");
}

namespace {
constexpr const char* kEventColumns =
    "id, work_order_id, event_type, status, outcome_id, extra, created_at";
OutboxEvent read_event(const sqlite::Statement& q) {
    return OutboxEvent{q.integer(0),          q.text(1),          q.text(2), q.text(3),
                       q.optional_integer(4), q.optional_text(5), q.text(6)};
}
}  // namespace

std::vector<OutboxEvent> events_of(sqlite::Connection& db, const std::string& work_order_id) {
    auto q = db.prepare(std::string("SELECT ") + kEventColumns +
                        " FROM outbox WHERE work_order_id = ? ORDER BY id");
    q->bind(1, work_order_id);
    std::vector<OutboxEvent> out;
    while (q->step()) out.push_back(read_event(*q));
    return out;
}

}  // namespace fieldgate::store
