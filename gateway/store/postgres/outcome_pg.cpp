// PgWorkOrderRepository's outcomes, raw payloads and Idempotency-Key answers.
#include <nlohmann/json.hpp>

#include "ids.h"
#include "pg_rows.h"
#include "work_order_pg.h"

namespace fieldgate::store {

using pg_rows::kOutcomeColumns;
using pg_rows::read_outcome;

namespace {

std::optional<std::string> non_empty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return s;
}

}  // namespace

std::optional<OutcomeRow> PgWorkOrderRepository::find_outcome_by_content(
    const std::string& vendor, const std::string& vendor_ref, const std::string& work_order_id,
    const std::string& content_hash) {
    if (const auto* ahead = cache_.outcomes(work_order_id, content_hash)) {
        for (const auto& row : *ahead)
            if (row.vendor == vendor && row.vendor_ref == vendor_ref) return row;
        return std::nullopt;
    }
    const auto q = db_->query(
        std::string("SELECT ") + kOutcomeColumns +
            " FROM outcomes WHERE vendor = $1 AND vendor_ref = $2 AND work_order_id = $3 "
            "AND content_hash = $4",
        pg::Params().text(vendor).text(vendor_ref).text(work_order_id).text(content_hash));
    if (q.rows() == 0) return std::nullopt;
    return read_outcome(q, 0);
}

std::optional<OutcomeRow> PgWorkOrderRepository::find_outcome(std::int64_t id) {
    const auto q =
        db_->query(std::string("SELECT ") + kOutcomeColumns + " FROM outcomes WHERE id = $1",
                   pg::Params().integer(id));
    if (q.rows() == 0) return std::nullopt;
    return read_outcome(q, 0);
}

bool PgWorkOrderRepository::outcome_ref_exists(const std::string& vendor,
                                               const std::string& vendor_ref) {
    return db_->query("SELECT 1 FROM outcomes WHERE vendor = $1 AND vendor_ref = $2 LIMIT 1",
                      pg::Params().text(vendor).text(vendor_ref))
               .rows() > 0;
}

namespace {

constexpr const char* kInsertOutcome =
    "INSERT INTO outcomes (work_order_id, vendor, source, vendor_ref, content_hash, disposition, "
    "outcome, progress, reason, vendor_status, vendor_reason, detail, occurred_at, received_at, "
    "truck, crew, driver, lat, lon, gps_accuracy_m, photos, items_collected, route_level, "
    "mapping_version, catalog_version, raw_payload_id, record_pointer, evidence, "
    "evidence_complete, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, ";

constexpr const char* kInsertRawPayload =
    "INSERT INTO raw_payloads (vendor, channel, received_at, content_type, request_id, headers, "
    "body, body_sha256, truncated, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ";

pg::Params outcome_params(const OutcomeRow& row) {
    const auto& r = row.result;
    pg::Params params;
    params.text(row.work_order_id)
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
        .integer(row.evidence_complete ? 1 : 0);
    return params;
}

}  // namespace

// With an id reserved by the batch's read-ahead the insert is sent ahead (no answer to wait
// for); else the server picks the id and says which.
std::int64_t PgWorkOrderRepository::insert_outcome(const OutcomeRow& row) {
    cache_.drop_outcomes(row.work_order_id, row.content_hash);
    auto params = outcome_params(row);
    if (const auto id = cache_.take_outcome_id(row.work_order_id)) {
        static const std::string with_id = std::string(kInsertOutcome) + "$30)";
        db_->write(with_id, std::move(params.integer(*id)));
        return *id;
    }
    static const std::string returning = std::string(kInsertOutcome) + "DEFAULT) RETURNING id";
    return db_->query(returning, params).integer(0, 0);
}

std::int64_t PgWorkOrderRepository::store_raw_payload(const RawPayload& raw) {
    pg::Params params;
    params.optional_text(raw.vendor)
        .text(raw.channel)
        .text(raw.received_at)
        .text(raw.content_type)
        .text(raw.request_id)
        .text(raw.headers_json)
        .bytes(raw.body)
        .text(raw.body_sha256.empty() ? sha256_hex(raw.body) : raw.body_sha256)
        .integer(raw.truncated ? 1 : 0);
    if (const auto id = cache_.take_raw_payload_id()) {
        static const std::string with_id = std::string(kInsertRawPayload) + "$10)";
        db_->write(with_id, std::move(params.integer(*id)));
        return *id;
    }
    static const std::string returning = std::string(kInsertRawPayload) + "DEFAULT) RETURNING id";
    return db_->query(returning, params).integer(0, 0);
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
