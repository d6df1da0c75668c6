#include "truck_sql.h"

#include <stdexcept>

namespace fieldgate::store {

namespace {

constexpr const char* kTruckColumns =
    "truck_id, vendor, state, state_at, last_seen_at, fix_time, lat, lon, speed_kmh, heading, "
    "route_id, route_date";

TruckRow read_truck(const sqlite::Statement& q) {
    TruckRow t;
    t.truck_id = q.text(0);
    t.vendor = q.text(1);
    t.state = q.text(2);
    t.state_at = q.optional_text(3);
    t.last_seen_at = q.optional_text(4);
    if (!q.is_null(5)) {
        PositionRow p;
        p.truck_id = t.truck_id;
        p.vendor = t.vendor;
        p.fix_time = q.text(5);
        p.lat = q.real(6);
        p.lon = q.real(7);
        p.speed_kmh = q.optional_real(8);
        p.heading = q.optional_real(9);
        t.position = std::move(p);
    }
    t.route_id = q.optional_text(10);
    t.route_date = q.optional_text(11);
    return t;
}

}  // namespace

void insert_positions(sqlite::Connection& db, const std::vector<PositionRow>& history_rows,
                      const std::vector<PositionRow>& latest_rows, const std::string& now) {
    auto history = db.prepare(
        "INSERT INTO truck_positions (truck_id, fix_time, lat, lon, speed_kmh, heading) "
        "VALUES (?,?,?,?,?,?)");
    for (const auto& r : history_rows) {
        history->reset();
        history->bind(1, r.truck_id)
            .bind(2, r.fix_time)
            .bind(3, r.lat)
            .bind(4, r.lon)
            .bind(5, r.speed_kmh)
            .bind(6, r.heading)
            .run();
    }
    auto latest = db.prepare(
        "INSERT INTO trucks (truck_id, vendor, last_seen_at, fix_time, lat, lon, speed_kmh, "
        "heading, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?3) "
        "ON CONFLICT (truck_id) DO UPDATE SET last_seen_at = ?3, updated_at = ?3, "
        "fix_time = CASE WHEN fix_time IS NULL OR fix_time <= ?4 THEN ?4 ELSE fix_time END, "
        "lat = CASE WHEN fix_time IS NULL OR fix_time <= ?4 THEN ?5 ELSE lat END, "
        "lon = CASE WHEN fix_time IS NULL OR fix_time <= ?4 THEN ?6 ELSE lon END, "
        "speed_kmh = CASE WHEN fix_time IS NULL OR fix_time <= ?4 THEN ?7 ELSE speed_kmh END, "
        "heading = CASE WHEN fix_time IS NULL OR fix_time <= ?4 THEN ?8 ELSE heading END");
    for (const auto& r : latest_rows) {
        latest->reset();
        latest->bind(1, r.truck_id)
            .bind(2, r.vendor)
            .bind(3, now)
            .bind(4, r.fix_time)
            .bind(5, r.lat)
            .bind(6, r.lon)
            .bind(7, r.speed_kmh)
            .bind(8, r.heading)
            .run();
    }
}

void set_truck_state(sqlite::Connection& db, const std::string& truck_id, const std::string& vendor,
                     const std::string& state, const std::string& at) {
    db.prepare(
          "INSERT INTO trucks (truck_id, vendor, state, state_at, last_seen_at, updated_at) "
          "VALUES (?1,?2,?3,?4,?4,?4) ON CONFLICT (truck_id) DO UPDATE SET state = ?3, "
          "state_at = ?4, last_seen_at = ?4, updated_at = ?4")
        ->bind(1, truck_id)
        .bind(2, vendor)
        .bind(3, state)
        .bind(4, at)
        .run();
}

void set_truck_route(sqlite::Connection& db, const std::string& truck_id, const std::string& vendor,
                     const std::string& route_id, const std::string& route_date,
                     const std::string& at) {
    db.prepare(
          "INSERT INTO trucks (truck_id, vendor, route_id, route_date, updated_at) "
          "VALUES (?1,?2,?3,?4,?5) ON CONFLICT (truck_id) DO UPDATE SET route_id = ?3, "
          "route_date = ?4, updated_at = ?5")
        ->bind(1, truck_id)
        .bind(2, vendor)
        .bind(3, route_id)
        .bind(4, route_date)
        .bind(5, at)
        .run();
}

TruckRow claim_truck(sqlite::Connection& db, const std::string& truck_id, const std::string& vendor,
                     const std::string& at) {
    db.prepare(
          "INSERT INTO trucks (truck_id, vendor, updated_at) VALUES (?1,?2,?3) "
          "ON CONFLICT (truck_id) DO NOTHING")
        ->bind(1, truck_id)
        .bind(2, vendor)
        .bind(3, at)
        .run();
    auto truck = find_truck(db, truck_id);
    if (!truck) throw std::runtime_error("truck " + truck_id + " not found after its claim");
    return std::move(*truck);
}

std::int64_t prune_positions(sqlite::Connection& db, const std::string& cutoff) {
    // Per truck, so each delete walks the (truck_id, fix_time) index instead of the table.
    std::vector<std::string> ids;
    {
        auto q = db.prepare("SELECT truck_id FROM trucks");
        while (q->step()) ids.push_back(q->text(0));
    }
    std::int64_t removed = 0;
    auto del = db.prepare("DELETE FROM truck_positions WHERE truck_id = ? AND fix_time < ?");
    for (const auto& id : ids) {
        del->reset();
        del->bind(1, id).bind(2, cutoff).run();
        removed += db.changes();
    }
    return removed;
}

std::vector<TruckRow> list_trucks(sqlite::Connection& db,
                                  const std::optional<std::string>& vendor) {
    auto q = db.prepare(std::string("SELECT ") + kTruckColumns +
                        " FROM trucks WHERE (?1 IS NULL OR vendor = ?1) ORDER BY truck_id");
    q->bind(1, vendor);
    std::vector<TruckRow> out;
    while (q->step()) out.push_back(read_truck(*q));
    return out;
}

std::optional<TruckRow> find_truck(sqlite::Connection& db, const std::string& truck_id) {
    auto q = db.prepare(std::string("SELECT ") + kTruckColumns + " FROM trucks WHERE truck_id = ?");
    q->bind(1, truck_id);
    if (!q->step()) return std::nullopt;
    return read_truck(*q);
}

std::vector<PositionRow> track(sqlite::Connection& db, const std::string& truck_id,
                               const std::string& from, const std::string& to, int limit) {
    auto q = db.prepare(
        "SELECT fix_time, lat, lon, speed_kmh, heading FROM truck_positions "
        "WHERE truck_id = ? AND fix_time >= ? AND fix_time <= ? ORDER BY fix_time, id LIMIT ?");
    q->bind(1, truck_id).bind(2, from).bind(3, to).bind(4, limit);
    std::vector<PositionRow> out;
    while (q->step()) {
        PositionRow p;
        p.truck_id = truck_id;
        p.fix_time = q->text(0);
        p.lat = q->real(1);
        p.lon = q->real(2);
        p.speed_kmh = q->optional_real(3);
        p.heading = q->optional_real(4);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<WorkOrder> orders_on_route(sqlite::Connection& db, const std::string& vendor,
                                       const std::string& route_id, const std::string& route_date) {
    auto q = db.prepare(
        "SELECT id, crm_case_id, service_type, address, lat, lon, scheduled_date, window_start, "
        "window_end, items, instructions, stop_seq, status FROM work_orders "
        "WHERE vendor = ? AND route_id = ? AND route_date = ? "
        "ORDER BY CAST(stop_seq AS INTEGER), stop_seq, id");
    q->bind(1, vendor).bind(2, route_id).bind(3, route_date);
    std::vector<WorkOrder> out;
    while (q->step()) {
        WorkOrder wo;
        wo.id = q->text(0);
        wo.crm_case_id = q->text(1);
        wo.service_type = q->text(2);
        wo.address = q->text(3);
        wo.lat = q->optional_real(4);
        wo.lon = q->optional_real(5);
        wo.scheduled_date = q->text(6);
        wo.window_start = q->optional_text(7);
        wo.window_end = q->optional_text(8);
        wo.items_json = q->text(9);
        wo.instructions = q->text(10);
        wo.stop_seq = q->optional_text(11);
        wo.status = q->text(12);
        wo.vendor = vendor;
        wo.route_id = route_id;
        wo.route_date = route_date;
        out.push_back(std::move(wo));
    }
    return out;
}

}  // namespace fieldgate::store
