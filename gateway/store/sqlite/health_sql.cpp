// Vendor health's and the vendor report's queries.
#include "sqlite_transaction.h"

namespace fieldgate::store {

namespace {

std::int64_t count_of(sqlite::Connection& db, const char* sql, const std::string& vendor) {
    auto q = db.prepare(sql);
    q->bind(1, vendor);
    return q->step() ? q->integer(0) : 0;
}

std::optional<std::string> latest_of(sqlite::Connection& db, const char* sql,
                                     const std::string& vendor) {
    auto q = db.prepare(sql);
    q->bind(1, vendor);
    return q->step() ? q->optional_text(0) : std::nullopt;
}

void add_rejections(sqlite::Connection& db, const std::string& vendor, const std::string& since,
                    VendorHealthFigures& f) {
    auto q = db.prepare(
        "SELECT problem_type, COUNT(*), SUM(attempts) FROM quarantine "
        "WHERE vendor = ? AND received_at >= ? GROUP BY problem_type "
        "ORDER BY SUM(attempts) DESC, problem_type LIMIT 100");
    q->bind(1, vendor).bind(2, since);
    while (q->step()) f.rejections.push_back({q->text(0), q->integer(1), q->integer(2)});
    auto u = db.prepare(
        "SELECT problem, attempts FROM quarantine WHERE vendor = ? AND state = 'open' AND "
        "problem_type = 'unmapped-code'");
    u->bind(1, vendor);
    while (u->step()) f.unmapped_problems.push_back({u->text(0), u->integer(1)});
}

void add_crm_delivery(sqlite::Connection& db, const std::string& vendor, VendorHealthFigures& f) {
    auto q = db.prepare(
        "SELECT COUNT(*), MIN(o.created_at) FROM outbox o JOIN work_orders w ON w.id = "
        "o.work_order_id WHERE o.state = 'pending' AND o.destination = 'crm' AND w.vendor = ?");
    q->bind(1, vendor);
    if (q->step()) f.crm_pending = {q->integer(0), q->optional_text(1).value_or("")};
    auto t = db.prepare(
        "SELECT o.id, o.work_order_id, w.crm_case_id, o.event_type, o.state, o.attempts, "
        "o.last_error, COALESCE(o.dead_at, o.created_at) AS at FROM outbox o JOIN work_orders w "
        "ON w.id = o.work_order_id WHERE o.state = 'dead' AND o.destination = 'crm' AND "
        "o.last_status = 413 AND w.vendor = ?1 "
        "UNION ALL SELECT o.id, o.work_order_id, w.crm_case_id, o.event_type, o.state, "
        "o.attempts, o.last_error, o.created_at FROM outbox o JOIN work_orders w ON w.id = "
        "o.work_order_id WHERE o.state = 'pending' AND o.destination = 'crm' AND "
        "o.last_status = 413 AND w.vendor = ?1 ORDER BY 1 DESC");
    t->bind(1, vendor);
    while (t->step()) {
        if (++f.too_large > 5) continue;
        f.recent_too_large.push_back({t->integer(0), t->text(1), t->text(2), t->text(3), t->text(4),
                                      t->integer(5), t->optional_text(6), t->text(7)});
    }
}

std::optional<PollHealth> poll_health(sqlite::Connection& db, const std::string& vendor) {
    auto q = db.prepare(
        "SELECT last_error, failures, failing_since, last_success_at, next_request_at "
        "FROM poll_state WHERE vendor = ?");
    q->bind(1, vendor);
    if (!q->step()) return std::nullopt;
    return PollHealth{q->text(0), q->integer(1), q->text(2), q->text(3), q->text(4)};
}

}  // namespace

VendorHealthFigures SqliteTransaction::vendor_health_figures(const std::string& vendor,
                                                             const std::string& since) {
    VendorHealthFigures f;
    f.last_outcome_at =
        latest_of(*db_, "SELECT MAX(received_at) FROM outcomes WHERE vendor = ?", vendor);
    f.last_refusal_at =
        latest_of(*db_, "SELECT MAX(received_at) FROM quarantine WHERE vendor = ?", vendor);
    {
        auto q = db_->prepare(
            "SELECT disposition, COUNT(*) FROM outcomes WHERE vendor = ? AND received_at >= ? "
            "GROUP BY disposition");
        q->bind(1, vendor).bind(2, since);
        while (q->step()) f.results_by_disposition[q->text(0)] = q->integer(1);
    }
    add_rejections(*db_, vendor, since, f);
    f.quarantine_open = count_of(
        *db_, "SELECT COUNT(*) FROM quarantine WHERE vendor = ? AND state = 'open'", vendor);
    // Matches the partial index work_orders_overdue term for term, so SQLite uses it.
    f.overdue_orders = count_of(*db_,
                                "SELECT COUNT(*) FROM work_orders WHERE vendor = ? AND overdue_at "
                                "IS NOT NULL AND status NOT IN "
                                "('completed','partially_completed','not_collected','cancelled')",
                                vendor);
    add_crm_delivery(*db_, vendor, f);
    f.poll = poll_health(*db_, vendor);
    return f;
}

// One pass over the period's orders (work_orders_scheduled index) with each order's current
// outcome (o) and its CRM delivery. The outbox has no index by outcome (one would cost every
// result on the ingest path), so its delivered rows are read once and joined, not looked up per
// order. A correction is never sent to the CRM: for a corrected order the delivery is the
// applied outcome's (a), found, like its corrections, through outcomes_order. Once corrected an
// order's current outcome stays a correction, so only corrected orders pay.
void SqliteTransaction::visit_report_orders(
    const ReportPeriod& period, const std::function<void(const ReportOrderRow&)>& visit) {
    auto q = db_->prepare(
        "SELECT w.vendor, w.status, o.outcome, o.reason, o.evidence_complete, "
        "json_extract(o.evidence, '$.time'), a.occurred_at, x.delivered_at, "
        "CASE WHEN o.disposition = 'correction' THEN (SELECT COUNT(*) FROM outcomes c "
        "WHERE c.work_order_id = w.id AND c.disposition = 'correction') ELSE 0 END "
        "FROM work_orders w LEFT JOIN outcomes o ON o.id = w.outcome_id "
        "LEFT JOIN outcomes a ON a.id = CASE WHEN o.disposition = 'correction' THEN "
        "(SELECT MIN(f.id) FROM outcomes f WHERE f.work_order_id = w.id AND "
        "f.disposition = 'applied' AND f.outcome IS NOT NULL) ELSE o.id END "
        "LEFT JOIN (SELECT outcome_id, MIN(delivered_at) AS delivered_at FROM outbox "
        "WHERE destination = 'crm' AND state = 'delivered' AND outcome_id IS NOT NULL "
        "GROUP BY outcome_id) x ON x.outcome_id = a.id "
        "WHERE w.scheduled_date >= ?1 AND w.scheduled_date <= ?2 AND w.vendor IS NOT NULL "
        "AND (?3 IS NULL OR w.vendor = ?3)");
    q->bind(1, period.from).bind(2, period.to).bind(3, period.vendor);
    ReportOrderRow row;
    while (q->step()) {
        row.vendor = q->text(0);
        row.status = q->text(1);
        row.outcome = q->optional_text(2);
        row.reason = q->optional_text(3);
        row.evidence_complete = !q->is_null(4) && q->integer(4) != 0;
        row.evidence_time = q->optional_text(5);
        row.occurred_at = q->optional_text(6);
        row.delivered_at = q->optional_text(7);
        row.corrections = q->integer(8);
        visit(row);
    }
}

}  // namespace fieldgate::store
