#include "truck_pg.h"

#include <stdexcept>

namespace fieldgate::store {

namespace {

// Text is ordered and compared under COLLATE "C" throughout: SQLite's byte order, whatever the
// locale the database was created with.

constexpr const char* kTruckColumns =
    "truck_id, vendor, state, state_at, last_seen_at, fix_time, lat, lon, speed_kmh, heading, "
    "route_id, route_date";

// SQLite's CAST(stop_seq AS INTEGER), which PostgreSQL's cast would refuse for "3a" or "": the
// longest integer prefix after leading white space, 0 when there is none, clamped to 64 bits;
// NULL stays NULL.
constexpr const char* kStopSeqAsInteger =
    "CASE WHEN stop_seq IS NULL THEN NULL ELSE LEAST(GREATEST(COALESCE(SUBSTRING(stop_seq FROM "
    "'^[ \\t\\n\\v\\f\\r]*([+-]?[0-9]+)')::numeric, 0), -9223372036854775808), "
    "9223372036854775807) END";

TruckRow read_truck(const pg::Result& q, int i) {
    TruckRow t;
    t.truck_id = q.text(i, 0);
    t.vendor = q.text(i, 1);
    t.state = q.text(i, 2);
    t.state_at = q.optional_text(i, 3);
    t.last_seen_at = q.optional_text(i, 4);
    if (!q.is_null(i, 5)) {
        PositionRow p;
        p.truck_id = t.truck_id;
        p.vendor = t.vendor;
        p.fix_time = q.text(i, 5);
        p.lat = q.real(i, 6);
        p.lon = q.real(i, 7);
        p.speed_kmh = q.optional_real(i, 8);
        p.heading = q.optional_real(i, 9);
        t.position = std::move(p);
    }
    t.route_id = q.optional_text(i, 10);
    t.route_date = q.optional_text(i, 11);
    return t;
}

}  // namespace

void PgTruckRepository::insert_positions(const std::vector<PositionRow>& history_rows,
                                         const std::vector<PositionRow>& latest_rows,
                                         const std::string& now) {
    for (const auto& r : history_rows) {
        db_->query(
            "INSERT INTO truck_positions (truck_id, fix_time, lat, lon, speed_kmh, heading) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            pg::Params()
                .text(r.truck_id)
                .text(r.fix_time)
                .real(r.lat)
                .real(r.lon)
                .optional_real(r.speed_kmh)
                .optional_real(r.heading));
    }
    static const std::string upsert_latest = [] {
        // Each column takes the new value only when the fix is not older than the stored one.
        std::string sql =
            "INSERT INTO trucks (truck_id, vendor, last_seen_at, fix_time, lat, lon, speed_kmh, "
            "heading, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $3) "
            "ON CONFLICT (truck_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, "
            "updated_at = excluded.updated_at";
        for (const char* column : {"fix_time", "lat", "lon", "speed_kmh", "heading"}) {
            sql += std::string(", ") + column +
                   " = CASE WHEN trucks.fix_time IS NULL OR "
                   "trucks.fix_time <= excluded.fix_time COLLATE \"C\" THEN excluded." +
                   column + " ELSE trucks." + column + " END";
        }
        return sql;
    }();
    for (const auto& r : latest_rows) {
        db_->query(upsert_latest, pg::Params()
                                      .text(r.truck_id)
                                      .text(r.vendor)
                                      .text(now)
                                      .text(r.fix_time)
                                      .real(r.lat)
                                      .real(r.lon)
                                      .optional_real(r.speed_kmh)
                                      .optional_real(r.heading));
    }
}

void PgTruckRepository::set_truck_state(const std::string& truck_id, const std::string& vendor,
                                        const std::string& state, const std::string& at) {
    db_->query(
        "INSERT INTO trucks (truck_id, vendor, state, state_at, last_seen_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $4, $4) ON CONFLICT (truck_id) DO UPDATE SET "
        "state = excluded.state, state_at = excluded.state_at, "
        "last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at",
        pg::Params().text(truck_id).text(vendor).text(state).text(at));
}

void PgTruckRepository::set_truck_route(const std::string& truck_id, const std::string& vendor,
                                        const std::string& route_id, const std::string& route_date,
                                        const std::string& at) {
    db_->query(
        "INSERT INTO trucks (truck_id, vendor, route_id, route_date, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (truck_id) DO UPDATE SET "
        "route_id = excluded.route_id, route_date = excluded.route_date, "
        "updated_at = excluded.updated_at",
        pg::Params().text(truck_id).text(vendor).text(route_id).text(route_date).text(at));
}

TruckRow PgTruckRepository::claim_truck(const std::string& truck_id, const std::string& vendor,
                                        const std::string& at) {
    // The writer's transaction is READ COMMITTED: the INSERT waits for another writer's
    // uncommitted row of the same id, and the SELECT after it (a new snapshot) sees that row.
    db_->query(
        "INSERT INTO trucks (truck_id, vendor, updated_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (truck_id) DO NOTHING",
        pg::Params().text(truck_id).text(vendor).text(at));
    auto truck = find_truck(truck_id);
    if (!truck) throw std::runtime_error("truck " + truck_id + " not found after its claim");
    return std::move(*truck);
}

std::int64_t PgTruckRepository::prune_positions(const std::string& cutoff) {
    // The rows SQLite's per-truck loop removes: only trucks that have a trucks row.
    return db_
        ->query(
            "DELETE FROM truck_positions WHERE truck_id IN (SELECT truck_id FROM trucks) "
            "AND fix_time < $1 COLLATE \"C\"",
            pg::Params().text(cutoff))
        .affected();
}

std::vector<TruckRow> PgTruckRepository::list_trucks(const std::optional<std::string>& vendor) {
    const auto q = db_->query(std::string("SELECT ") + kTruckColumns +
                                  " FROM trucks WHERE ($1::text IS NULL OR vendor = $1) "
                                  "ORDER BY truck_id COLLATE \"C\"",
                              pg::Params().optional_text(vendor));
    std::vector<TruckRow> out;
    for (int i = 0; i < q.rows(); ++i) out.push_back(read_truck(q, i));
    return out;
}

std::optional<TruckRow> PgTruckRepository::find_truck(const std::string& truck_id) {
    const auto q =
        db_->query(std::string("SELECT ") + kTruckColumns + " FROM trucks WHERE truck_id = $1",
                   pg::Params().text(truck_id));
    if (q.rows() == 0) return std::nullopt;
    return read_truck(q, 0);
}

std::vector<PositionRow> PgTruckRepository::track(const std::string& truck_id,
                                                  const std::string& from, const std::string& to,
                                                  int limit) {
    const auto q = db_->query(
        "SELECT fix_time, lat, lon, speed_kmh, heading FROM truck_positions "
        "WHERE truck_id = $1 AND fix_time >= $2 COLLATE \"C\" AND fix_time <= $3 COLLATE \"C\" "
        "ORDER BY fix_time COLLATE \"C\", id LIMIT $4",
        pg::Params().text(truck_id).text(from).text(to).optional_integer(
            limit < 0 ? std::nullopt : std::optional<std::int64_t>(limit)));
    std::vector<PositionRow> out;
    for (int i = 0; i < q.rows(); ++i) {
        PositionRow p;
        p.truck_id = truck_id;
        p.fix_time = q.text(i, 0);
        p.lat = q.real(i, 1);
        p.lon = q.real(i, 2);
        p.speed_kmh = q.optional_real(i, 3);
        p.heading = q.optional_real(i, 4);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<WorkOrder> PgTruckRepository::orders_on_route(const std::string& vendor,
                                                          const std::string& route_id,
                                                          const std::string& route_date) {
    // NULLS FIRST: where SQLite puts them.
    const auto q = db_->query(
        std::string(
            "SELECT id, crm_case_id, service_type, address, lat, lon, scheduled_date, "
            "window_start, window_end, items, instructions, stop_seq, status FROM work_orders "
            "WHERE vendor = $1 AND route_id = $2 AND route_date = $3 ORDER BY ") +
            kStopSeqAsInteger +
            " NULLS FIRST, stop_seq COLLATE \"C\" NULLS FIRST, id COLLATE \"C\"",
        pg::Params().text(vendor).text(route_id).text(route_date));
    std::vector<WorkOrder> out;
    for (int i = 0; i < q.rows(); ++i) {
        WorkOrder wo;
        wo.id = q.text(i, 0);
        wo.crm_case_id = q.text(i, 1);
        wo.service_type = q.text(i, 2);
        wo.address = q.text(i, 3);
        wo.lat = q.optional_real(i, 4);
        wo.lon = q.optional_real(i, 5);
        wo.scheduled_date = q.text(i, 6);
        wo.window_start = q.optional_text(i, 7);
        wo.window_end = q.optional_text(i, 8);
        wo.items_json = q.text(i, 9);
        wo.instructions = q.text(i, 10);
        wo.stop_seq = q.optional_text(i, 11);
        wo.status = q.text(i, 12);
        wo.vendor = vendor;
        wo.route_id = route_id;
        wo.route_date = route_date;
        out.push_back(std::move(wo));
    }
    return out;
}

}  // namespace fieldgate::store
