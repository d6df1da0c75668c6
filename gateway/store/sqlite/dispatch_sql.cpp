#include "dispatch_sql.h"

namespace fieldgate::store {

std::int64_t append_feed(sqlite::Connection& db, const FeedRow& row) {
    auto q = db.prepare(
        "INSERT INTO vendor_feed (vendor, work_order_id, change, created_at) VALUES (?,?,?,?)");
    q->bind(1, row.vendor).bind(2, row.work_order_id).bind(3, row.change).bind(4, row.created_at);
    q->run();
    return db.last_insert_rowid();
}

std::vector<FeedRow> feed_after(sqlite::Connection& db, const std::string& vendor,
                                std::int64_t after, int limit) {
    auto q = db.prepare(
        "SELECT seq, vendor, work_order_id, change, created_at FROM vendor_feed "
        "WHERE vendor = ? AND seq > ? ORDER BY seq LIMIT ?");
    q->bind(1, vendor).bind(2, after).bind(3, limit);
    std::vector<FeedRow> out;
    while (q->step())
        out.push_back(FeedRow{q->integer(0), q->text(1), q->text(2), q->text(3), q->text(4)});
    return out;
}

std::int64_t enqueue_event_to(sqlite::Connection& db, const OutboxEvent& e,
                              const std::string& destination) {
    auto q = db.prepare(
        "INSERT INTO outbox (work_order_id, event_type, status, outcome_id, extra, created_at, "
        "state, destination) VALUES (?,?,?,?,?,?,'pending',?)");
    q->bind(1, e.work_order_id)
        .bind(2, e.event_type)
        .bind(3, e.status)
        .bind(4, e.outcome_id)
        .bind(5, e.extra_json)
        .bind(6, e.created_at)
        .bind(7, destination)
        .run();
    return db.last_insert_rowid();
}

void reschedule_work_order(sqlite::Connection& db, const std::string& id, const ScheduleUpdate& u,
                           const std::string& at) {
    auto q = db.prepare(
        "UPDATE work_orders SET scheduled_date = ?, window_start = ?, window_end = ?, status = ?, "
        "overdue_at = NULL, updated_at = ?, "
        "route_id = CASE WHEN ? THEN NULL ELSE route_id END, "
        "route_date = CASE WHEN ? THEN NULL ELSE route_date END, "
        "stop_seq = CASE WHEN ? THEN NULL ELSE stop_seq END "
        "WHERE id = ?");
    const int leave = u.leave_route ? 1 : 0;
    q->bind(1, u.scheduled_date)
        .bind(2, u.window_start)
        .bind(3, u.window_end)
        .bind(4, u.status)
        .bind(5, at)
        .bind(6, leave)
        .bind(7, leave)
        .bind(8, leave)
        .bind(9, id)
        .run();
}

}  // namespace fieldgate::store
