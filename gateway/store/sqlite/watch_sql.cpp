// The watchdog's and /metrics' queries.
#include "sqlite_transaction.h"

namespace fieldgate::store {

std::vector<WorkOrder> SqliteTransaction::unflagged_field_orders(const std::string& first,
                                                                 const std::string& last) {
    auto q = db_->prepare(
        "SELECT id, scheduled_date, window_start, window_end FROM work_orders "
        "WHERE scheduled_date BETWEEN ? AND ? AND overdue_at IS NULL "
        "AND status IN ('dispatched', 'acknowledged', 'en_route', 'on_site')");
    q->bind(1, first).bind(2, last);
    std::vector<WorkOrder> out;
    while (q->step()) {
        WorkOrder wo;
        wo.id = q->text(0);
        wo.scheduled_date = q->text(1);
        wo.window_start = q->optional_text(2);
        wo.window_end = q->optional_text(3);
        out.push_back(std::move(wo));
    }
    return out;
}

bool SqliteTransaction::flag_overdue(const std::string& id, const std::string& at) {
    db_->prepare("UPDATE work_orders SET overdue_at = ? WHERE id = ? AND overdue_at IS NULL")
        ->bind(1, at)
        .bind(2, id)
        .run();
    return db_->changes() > 0;
}

std::map<std::string, std::int64_t> SqliteTransaction::open_quarantine_by_vendor() {
    auto q = db_->prepare(
        "SELECT IFNULL(vendor, ''), COUNT(*) FROM quarantine WHERE state = 'open' "
        "GROUP BY vendor");
    std::map<std::string, std::int64_t> out;
    while (q->step()) out[q->text(0)] = q->integer(1);
    return out;
}

std::map<std::string, PendingFigures> SqliteTransaction::pending_by_destination() {
    // outbox_due is partial on state = 'pending': this walks only the pending rows.
    auto q = db_->prepare(
        "SELECT destination, COUNT(*), MIN(created_at) FROM outbox WHERE state = 'pending' "
        "GROUP BY destination");
    std::map<std::string, PendingFigures> out;
    while (q->step()) out[q->text(0)] = {q->integer(1), q->text(2)};
    return out;
}

std::map<std::string, std::int64_t> SqliteTransaction::dead_by_destination() {
    auto q = db_->prepare(
        "SELECT destination, COUNT(*) FROM outbox WHERE state = 'dead' GROUP BY destination");
    std::map<std::string, std::int64_t> out;
    while (q->step()) out[q->text(0)] = q->integer(1);
    return out;
}

}  // namespace fieldgate::store
