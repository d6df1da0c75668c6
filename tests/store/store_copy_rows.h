// A SQLite store with rows in every table for `store copy`, and every table's rows read back
// from either store in one form, so the two compare value for value.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg.h"
#include "sqlite.h"

namespace fieldgate::test::copy_rows {

// Ids with gaps (as deletes and rollbacks leave them); NULLs and quotes; bytes of every value.
inline const char* kSeed = R"sql(
INSERT INTO work_orders (id, crm_case_id, service_type, address, lat, lon, scheduled_date,
  window_start, window_end, items, instructions, customer, vendor, route_id, route_date,
  stop_seq, status, outcome_id, content_hash, created_at, updated_at, postal_code, overdue_at)
VALUES
 ('wo-1', 'SR-1', 'bulk_pickup', '12 Elm St', 39.781721, -89.650148, '2026-12-04', '08:00',
  '12:00', '[{"code":"SOFA"}]', 'Behind the garage', '{"name":"R. Ortiz"}', 'bay-hauling', 'R7',
  '2026-12-04', '3', 'completed', 7, 'h1', '2026-12-01T09:00:00.000Z',
  '2026-12-04T10:00:01.000Z', '62701', NULL),
 ('wo-2', 'SR-2', 'bulk_pickup', 'é ''quoted'' "x"; --', NULL, NULL, '2026-12-05', NULL, NULL,
  '[]', '', '{}', NULL, NULL, NULL, NULL, 'received', NULL, 'h2', '2026-12-01T09:00:00.000Z',
  '2026-12-01T09:00:00.000Z', NULL, '2026-12-05T20:00:00.000Z');
INSERT INTO work_order_history VALUES
 (5, 'wo-1', '2026-12-01T09:00:00.000Z', NULL, 'received', 'crm', NULL, NULL),
 (9, 'wo-1', '2026-12-04T10:00:00.000Z', 'received', 'completed', 'vendor', 7, 'done');
INSERT INTO raw_payloads VALUES
 (3, 'bay-hauling', 'http', '2026-12-04T10:00:00.000Z', 'application/json', 'req-1', '{}',
  X'00FF7B7D0A', 'sha-a', 0),
 (8, NULL, 'mqtt', '2026-12-04T10:01:00.000Z', NULL, NULL, '{}', X'', 'sha-b', 1);
INSERT INTO outcomes VALUES
 (7, 'wo-1', 'bay-hauling', 'http', 'ref-1', 'c1', 'applied', 'COMPLETED', NULL, NULL, 'DONE',
  NULL, NULL, '2026-12-04T10:00:00.000Z', '2026-12-04T10:00:01.000Z', 'T1', NULL, NULL, 39.78,
  -89.65, 4.5, '[]', 1, 0, 'm1', 'c1', 3, '/0', '{}', 1);
INSERT INTO quarantine VALUES
 (4, NULL, 'mqtt', 8, 'sha-b', NULL, '2026-12-04T10:01:00.000Z', '2026-12-04T10:02:00.000Z', 2,
  422, 'invalid', '{}', 'discarded', NULL, 0, NULL, NULL, '2026-12-05T00:00:00.000Z', 'noise');
INSERT INTO idempotency_keys VALUES
 ('bay-hauling', 'k1', 'sha-r', 200, 'application/json', '{"ok":true}', '2026-12-04T10:00:00Z');
INSERT INTO outbox VALUES
 (11, 'wo-1', 'status_changed', 'completed', 7, NULL, '2026-12-04T10:00:01.000Z', 'delivered',
  1, NULL, NULL, '2026-12-04T10:00:02.000Z', 'crm', 200, NULL, NULL, NULL, NULL, 0),
 (12, 'wo-2', 'dispatched', 'received', NULL, '{}', '2026-12-04T10:00:01.000Z', 'dead', 5,
  NULL, '410 Gone', NULL, 'vendor:bay-hauling', 410, 'event', '2026-12-04T11:00:00.000Z', NULL,
  NULL, 5);
INSERT INTO delivery_endpoints VALUES
 ('crm', 'disabled', '2026-12-04T11:00:00.000Z', '410', '2026-12-04T11:00:00.000Z');
INSERT INTO vendor_feed VALUES (21, 'bay-hauling', 'wo-1', 'assigned', '2026-12-01T09:00:00Z');
INSERT INTO crew_devices VALUES
 ('dev-1', 'crew-a', 'Tablet 1', 'tok', NULL, '2026-12-01T08:00:00Z', NULL, NULL, NULL,
  'active');
INSERT INTO crew_actions VALUES
 ('dev-1', 'a-1', 1, 'wo-1', 'complete', 'sha-x', '{}', '2026-12-04T10:00:00Z', NULL, -1500,
  'skewed', 'accepted', '{}', '2026-12-04T10:00:03Z');
INSERT INTO crew_photos VALUES
 ('crew-a', 'ph', 'ph', 'dev-1', 256, 256, 'complete', '2026-12-04T10:00:00Z',
  '2026-12-04T10:00:05Z');
INSERT INTO trucks VALUES
 ('T1', 'bay-hauling', 'on_route', '2026-12-04T09:00:00Z', NULL, NULL, 39.7, -89.6, NULL, 270.0,
  'R7', '2026-12-04', '2026-12-04T09:00:00Z');
INSERT INTO console_sessions VALUES
  ('5e55', 'ana', 'operator', '2026-12-01T09:00:00Z', '2099-01-01T00:00:00Z');
INSERT INTO audit_log VALUES
  (4, '2026-12-01T09:01:00Z', 'ana', 'operator', 'POST /v1/admin/quarantine/replay',
   '/v1/admin/quarantine/replay', 200, '{"ids":[1]}');
INSERT INTO poll_state (vendor, updated_at, failures, last_error)
 VALUES ('riverbend-recycling', '2026-12-04T09:00:00Z', 3, 'timeout');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
INSERT INTO truck_positions
 SELECT i * 3, 'T1', printf('2026-12-04T09:%05d', i), 39.7 + i * 1e-6, -89.6,
        CASE WHEN i % 2 = 1 THEN NULL ELSE i / 7.0 END, NULL FROM n;
)sql";

constexpr std::int64_t kTruckPositions = 2500;
constexpr std::int64_t kLargestTruckPositionId = 7500;

inline std::string all_byte_values() {
    std::string bytes;
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
    return bytes;
}

inline void seed(sqlite::Connection& db) {
    db.exec(kSeed);
    const auto bytes = all_byte_values();
    db.prepare("INSERT INTO crew_photo_chunks (sha256, offset, bytes) VALUES ('ph', 0, ?)")
        ->bind_blob_static(1, bytes)
        .run();
    db.prepare("UPDATE trucks SET speed_kmh = ?, heading = ?")
        ->bind(1, 0.1 + 0.2)
        .bind(2, 1.0 / 3)
        .run();
}

inline std::vector<std::string> sqlite_tables(sqlite::Connection& db) {
    auto q = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' "
        "AND name NOT LIKE 'sqlite%' ORDER BY name");
    std::vector<std::string> out;
    while (q->step()) out.push_back(q->text(0));
    return out;
}

inline std::vector<std::string> sqlite_columns(sqlite::Connection& db, const std::string& table) {
    auto q = db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    q->bind(1, table);
    std::vector<std::string> out;
    while (q->step()) out.push_back(q->text(0));
    return out;
}

using Row = std::vector<std::optional<std::string>>;

// The shortest text that reads back as exactly this double.
inline std::string exact(double v) {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    return std::string(buf, end);
}

inline std::string select_sql(const std::string& table, const std::vector<std::string>& columns) {
    std::string sql = "SELECT ";
    for (std::size_t c = 0; c < columns.size(); ++c) sql += (c ? ", \"" : "\"") + columns[c] + "\"";
    return sql + " FROM " + table;
}

inline std::vector<Row> sqlite_rows(sqlite::Connection& db, const std::string& table) {
    const auto columns = sqlite_columns(db, table);
    auto q = db.prepare(select_sql(table, columns));
    std::vector<Row> rows;
    using Type = sqlite::Statement::Type;
    while (q->step()) {
        Row row;
        for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
            const auto type = q->type(c);
            if (type == Type::null)
                row.emplace_back();
            else if (type == Type::real)
                row.emplace_back(exact(q->real(c)));
            else
                row.emplace_back(q->text(c));
        }
        rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

// The same columns in PostgreSQL, in SQLite's order (crew_photo_chunks.offset is chunk_offset).
inline std::vector<Row> pg_rows(pg::Connection& db, const std::string& table,
                                std::vector<std::string> columns) {
    std::vector<std::string> types;
    for (auto& column : columns) {
        if (table == "crew_photo_chunks" && column == "offset") column = "chunk_offset";
        types.push_back(db.query("SELECT data_type::text FROM information_schema.columns WHERE "
                                 "table_name = $1 AND column_name = $2",
                                 pg::Params().text(table).text(column))
                            .text(0, 0));
    }
    const auto r = db.query(select_sql(table, columns));
    std::vector<Row> rows;
    for (int i = 0; i < r.rows(); ++i) {
        Row row;
        for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
            const auto& type = types[static_cast<std::size_t>(c)];
            if (r.is_null(i, c))
                row.emplace_back();
            else if (type == "bytea")
                row.emplace_back(r.bytes(i, c));
            else if (type == "double precision")
                row.emplace_back(exact(r.real(i, c)));
            else
                row.emplace_back(r.text(i, c));
        }
        rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

}  // namespace fieldgate::test::copy_rows
