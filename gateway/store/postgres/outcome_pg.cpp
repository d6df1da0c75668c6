// PgWorkOrderRepository's outcomes, raw payloads and Idempotency-Key answers.
#include <nlohmann/json.hpp>

#include "ids.h"
#include "work_order_pg.h"

namespace fieldgate::store {

namespace {

constexpr const char* kOutcomeColumns =
    "id, work_order_id, vendor, source, vendor_ref, content_hash, disposition, outcome, progress, "
    "reason, vendor_status, vendor_reason, detail, occurred_at, received_at, truck, crew, driver, "
    "lat, lon, gps_accuracy_m, photos, items_collected, route_level, mapping_version, "
    "catalog_version, raw_payload_id, record_pointer, evidence, evidence_complete";

OutcomeRow read_outcome(const pg::Result& q) {
    OutcomeRow row;
    row.id = q.integer(0, 0);
    row.work_order_id = q.text(0, 1);
    row.vendor = q.text(0, 2);
    row.source = q.text(0, 3);
    row.vendor_ref = q.text(0, 4);
    row.content_hash = q.text(0, 5);
    row.disposition = q.text(0, 6);
    auto& r = row.result;
    r.vendor_ref = row.vendor_ref;
    r.outcome = q.text(0, 7);
    r.progress = q.text(0, 8);
    r.reason = q.text(0, 9);
    r.vendor_status = q.text(0, 10);
    r.vendor_reason = q.text(0, 11);
    r.detail = q.text(0, 12);
    r.occurred_at = q.optional_text(0, 13);
    row.received_at = q.text(0, 14);
    r.truck = q.text(0, 15);
    r.crew = q.text(0, 16);
    r.driver = q.text(0, 17);
    r.lat = q.optional_real(0, 18);
    r.lon = q.optional_real(0, 19);
    r.gps_accuracy_m = q.optional_real(0, 20);
    r.photos = nlohmann::json::parse(q.text(0, 21)).get<std::vector<std::string>>();
    r.items_collected = q.optional_integer(0, 22);
    r.route_level = q.integer(0, 23) != 0;
    row.mapping_version = q.text(0, 24);
    row.catalog_version = q.text(0, 25);
    row.raw_payload_id = q.optional_integer(0, 26);
    r.pointer = q.text(0, 27);
    row.evidence_json = q.text(0, 28);
    row.evidence_complete = q.integer(0, 29) != 0;
    return row;
}

std::optional<std::string> non_empty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return s;
}

}  // namespace

std::optional<OutcomeRow> PgWorkOrderRepository::find_outcome_by_content(
    const std::string& vendor, const std::string& vendor_ref, const std::string& work_order_id,
    const std::string& content_hash) {
    const auto q = db_->query(
        std::string("SELECT ") + kOutcomeColumns +
            " FROM outcomes WHERE vendor = $1 AND vendor_ref = $2 AND work_order_id = $3 "
            "AND content_hash = $4",
        pg::Params().text(vendor).text(vendor_ref).text(work_order_id).text(content_hash));
    if (q.rows() == 0) return std::nullopt;
    return read_outcome(q);
}

std::optional<OutcomeRow> PgWorkOrderRepository::find_outcome(std::int64_t id) {
    const auto q =
        db_->query(std::string("SELECT ") + kOutcomeColumns + " FROM outcomes WHERE id = $1",
                   pg::Params().integer(id));
    if (q.rows() == 0) return std::nullopt;
    return read_outcome(q);
}

bool PgWorkOrderRepository::outcome_ref_exists(const std::string& vendor,
                                               const std::string& vendor_ref) {
    return db_->query("SELECT 1 FROM outcomes WHERE vendor = $1 AND vendor_ref = $2 LIMIT 1",
                      pg::Params().text(vendor).text(vendor_ref))
               .rows() > 0;
}

std::int64_t PgWorkOrderRepository::insert_outcome(const OutcomeRow& row) {
    const auto& r = row.result;
    return db_
        ->query(
            "INSERT INTO outcomes (work_order_id, vendor, source, vendor_ref, content_hash, "
            "disposition, outcome, progress, reason, vendor_status, vendor_reason, detail, "
            "occurred_at, received_at, truck, crew, driver, lat, lon, gps_accuracy_m, photos, "
            "items_collected, route_level, mapping_version, catalog_version, raw_payload_id, "
            "record_pointer, evidence, evidence_complete) VALUES ($1, $2, $3, $4, $5, $6, $7, "
            "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "
            "$25, $26, $27, $28, $29) RETURNING id",
            pg::Params()
                .text(row.work_order_id)
                .text(row.vendor)
                .text(row.source)
                .text(row.vendor_ref)
                .text(row.content_hash)
                .text(row.disposition)
                .optional_text(non_empty(r.outcome))
                .optional_text(non_empty(r.progress))
                .optional_text(non_empty(r.reason))
                .text(r.vendor_status)
                .text(r.vendor_reason)
                .text(r.detail)
                .optional_text(r.occurred_at)
                .text(row.received_at)
                .text(r.truck)
                .text(r.crew)
                .text(r.driver)
                .optional_real(r.lat)
                .optional_real(r.lon)
                .optional_real(r.gps_accuracy_m)
                .text(nlohmann::json(r.photos).dump())
                .optional_integer(r.items_collected)
                .integer(r.route_level ? 1 : 0)
                .text(row.mapping_version)
                .text(row.catalog_version)
                .optional_integer(row.raw_payload_id)
                .text(r.pointer)
                .text(row.evidence_json)
                .integer(row.evidence_complete ? 1 : 0))
        .integer(0, 0);
}

std::int64_t PgWorkOrderRepository::store_raw_payload(const RawPayload& raw) {
    return db_
        ->query(
            "INSERT INTO raw_payloads (vendor, channel, received_at, content_type, request_id, "
            "headers, body, body_sha256, truncated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "RETURNING id",
            pg::Params()
                .optional_text(raw.vendor)
                .text(raw.channel)
                .text(raw.received_at)
                .text(raw.content_type)
                .text(raw.request_id)
                .text(raw.headers_json)
                .bytes(raw.body)
                .text(raw.body_sha256.empty() ? sha256_hex(raw.body) : raw.body_sha256)
                .integer(raw.truncated ? 1 : 0))
        .integer(0, 0);
}

std::optional<StoredResponse> PgWorkOrderRepository::find_stored_response(const std::string& vendor,
                                                                          const std::string& key) {
    const auto q = db_->query(
        "SELECT request_sha256, status, content_type, body FROM idempotency_keys "
        "WHERE vendor = $1 AND key = $2",
        pg::Params().text(vendor).text(key));
    if (q.rows() == 0) return std::nullopt;
    return StoredResponse{q.text(0, 0), static_cast<int>(q.integer(0, 1)), q.text(0, 2),
                          q.text(0, 3)};
}

void PgWorkOrderRepository::store_response(const std::string& vendor, const std::string& key,
                                           const StoredResponse& r, const std::string& at) {
    db_->query(
        "INSERT INTO idempotency_keys (vendor, key, request_sha256, status, content_type, body, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        pg::Params()
            .text(vendor)
            .text(key)
            .text(r.request_sha256)
            .integer(r.status)
            .text(r.content_type)
            .text(r.body)
            .text(at));
}

}  // namespace fieldgate::store
