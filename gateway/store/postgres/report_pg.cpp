// The SQLite store's report and health queries (summary.cpp, watch_sql.cpp, health_sql.cpp) in
// PostgreSQL's dialect: the same figures, orderings and NULL handling.
#include "report_pg.h"

namespace fieldgate::store {

namespace {

std::int64_t count_of(pg::Connection& db, const char* sql, const std::string& vendor) {
    const auto r = db.query(sql, pg::Params().text(vendor));
    return r.rows() > 0 ? r.integer(0, 0) : 0;
}

std::optional<std::string> latest_of(pg::Connection& db, const char* sql,
                                     const std::string& vendor) {
    const auto r = db.query(sql, pg::Params().text(vendor));
    return r.rows() > 0 ? r.optional_text(0, 0) : std::nullopt;
}

void add_results(pg::Connection& db, const std::string& vendor, const std::string& since,
                 VendorHealthFigures& f) {
    const auto r = db.query(
        "SELECT disposition, COUNT(*) FROM outcomes WHERE vendor = $1 AND received_at >= $2 "
        "GROUP BY disposition",
        pg::Params().text(vendor).text(since));
    for (int i = 0; i < r.rows(); ++i) f.results_by_disposition[r.text(i, 0)] = r.integer(i, 1);
}

void add_rejections(pg::Connection& db, const std::string& vendor, const std::string& since,
                    VendorHealthFigures& f) {
    // SUM of a BIGINT is NUMERIC in PostgreSQL; SQLite's is an integer. The tie-break is in
    // byte order as in SQLite, whatever the database's collation.
    const auto r = db.query(
        "SELECT problem_type, COUNT(*), SUM(attempts)::bigint FROM quarantine "
        "WHERE vendor = $1 AND received_at >= $2 GROUP BY problem_type "
        "ORDER BY SUM(attempts) DESC, problem_type COLLATE \"C\" LIMIT 100",
        pg::Params().text(vendor).text(since));
    for (int i = 0; i < r.rows(); ++i)
        f.rejections.push_back({r.text(i, 0), r.integer(i, 1), r.integer(i, 2)});
    const auto u = db.query(
        "SELECT problem, attempts FROM quarantine WHERE vendor = $1 AND state = 'open' AND "
        "problem_type = 'unmapped-code'",
        pg::Params().text(vendor));
    for (int i = 0; i < u.rows(); ++i)
        f.unmapped_problems.push_back({u.text(i, 0), u.integer(i, 1)});
}

void add_crm_delivery(pg::Connection& db, const std::string& vendor, VendorHealthFigures& f) {
    const auto p = db.query(
        "SELECT COUNT(*), MIN(o.created_at) FROM outbox o JOIN work_orders w ON w.id = "
        "o.work_order_id WHERE o.state = 'pending' AND o.destination = 'crm' AND w.vendor = $1",
        pg::Params().text(vendor));
    if (p.rows() > 0) f.crm_pending = {p.integer(0, 0), p.optional_text(0, 1).value_or("")};
    const auto t = db.query(
        "SELECT o.id, o.work_order_id, w.crm_case_id, o.event_type, o.state, o.attempts, "
        "o.last_error, COALESCE(o.dead_at, o.created_at) AS at FROM outbox o JOIN work_orders w "
        "ON w.id = o.work_order_id WHERE o.state = 'dead' AND o.destination = 'crm' AND "
        "o.last_status = 413 AND w.vendor = $1 "
        "UNION ALL SELECT o.id, o.work_order_id, w.crm_case_id, o.event_type, o.state, "
        "o.attempts, o.last_error, o.created_at FROM outbox o JOIN work_orders w ON w.id = "
        "o.work_order_id WHERE o.state = 'pending' AND o.destination = 'crm' AND "
        "o.last_status = 413 AND w.vendor = $1 ORDER BY 1 DESC",
        pg::Params().text(vendor));
    for (int i = 0; i < t.rows(); ++i) {
        if (++f.too_large > 5) continue;
        f.recent_too_large.push_back({t.integer(i, 0), t.text(i, 1), t.text(i, 2), t.text(i, 3),
                                      t.text(i, 4), t.integer(i, 5), t.optional_text(i, 6),
                                      t.text(i, 7)});
    }
}

std::optional<PollHealth> poll_health(pg::Connection& db, const std::string& vendor) {
    const auto r = db.query(
        "SELECT last_error, failures, failing_since, last_success_at, next_request_at "
        "FROM poll_state WHERE vendor = $1",
        pg::Params().text(vendor));
    if (r.rows() == 0) return std::nullopt;
    return PollHealth{r.text(0, 0), r.integer(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4)};
}

}  // namespace

std::vector<CorrectionRef> PgReportRepository::recent_corrections(const std::string& vendor,
                                                                  const std::string& since,
                                                                  int limit) {
    // SQLite reads a negative LIMIT as none; PostgreSQL refuses one and reads NULL as none.
    const auto r = db_->query(
        "SELECT o.id, o.work_order_id, w.crm_case_id, o.received_at FROM outcomes o "
        "JOIN work_orders w ON w.id = o.work_order_id "
        "WHERE o.vendor = $1 AND o.received_at >= $2 AND o.disposition = 'correction' "
        "ORDER BY o.received_at DESC, o.id DESC LIMIT $3",
        pg::Params().text(vendor).text(since).optional_integer(
            limit < 0 ? std::nullopt : std::optional<std::int64_t>(limit)));
    std::vector<CorrectionRef> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
    return out;
}

std::map<std::string, std::int64_t> PgReportRepository::open_quarantine_by_vendor() {
    const auto r = db_->query(
        "SELECT COALESCE(vendor, ''), COUNT(*) FROM quarantine WHERE state = 'open' "
        "GROUP BY vendor");
    std::map<std::string, std::int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.integer(i, 1);
    return out;
}

std::map<std::string, PendingFigures> PgReportRepository::pending_by_destination() {
    const auto r = db_->query(
        "SELECT destination, COUNT(*), MIN(created_at) FROM outbox WHERE state = 'pending' "
        "GROUP BY destination");
    std::map<std::string, PendingFigures> out;
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = {r.integer(i, 1), r.text(i, 2)};
    return out;
}

std::map<std::string, std::int64_t> PgReportRepository::dead_by_destination() {
    const auto r = db_->query(
        "SELECT destination, COUNT(*) FROM outbox WHERE state = 'dead' GROUP BY destination");
    std::map<std::string, std::int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.integer(i, 1);
    return out;
}

VendorHealthFigures PgReportRepository::vendor_health_figures(const std::string& vendor,
                                                              const std::string& since) {
    VendorHealthFigures f;
    f.last_outcome_at =
        latest_of(*db_, "SELECT MAX(received_at) FROM outcomes WHERE vendor = $1", vendor);
    f.last_refusal_at =
        latest_of(*db_, "SELECT MAX(received_at) FROM quarantine WHERE vendor = $1", vendor);
    add_results(*db_, vendor, since, f);
    add_rejections(*db_, vendor, since, f);
    f.quarantine_open = count_of(
        *db_, "SELECT COUNT(*) FROM quarantine WHERE vendor = $1 AND state = 'open'", vendor);
    // The partial index work_orders_overdue holds the overdue rows; status is checked on them.
    f.overdue_orders = count_of(*db_,
                                "SELECT COUNT(*) FROM work_orders WHERE vendor = $1 AND overdue_at "
                                "IS NOT NULL AND status NOT IN "
                                "('completed','partially_completed','not_collected','cancelled')",
                                vendor);
    add_crm_delivery(*db_, vendor, f);
    f.poll = poll_health(*db_, vendor);
    return f;
}

// As visit_report_orders on SQLite (health_sql.cpp), which says why the query is shaped so.
// json_extract becomes ->> on the evidence cast to json; $3 is cast because in `$3 IS NULL` it
// has no type of its own.
void PgReportRepository::visit_report_orders(
    const ReportPeriod& period, const std::function<void(const ReportOrderRow&)>& visit) {
    const auto r = db_->query(
        "SELECT w.vendor, w.status, o.outcome, o.reason, o.evidence_complete, "
        "o.evidence::json ->> 'time', a.occurred_at, x.delivered_at, "
        "CASE WHEN o.disposition = 'correction' THEN (SELECT COUNT(*) FROM outcomes c "
        "WHERE c.work_order_id = w.id AND c.disposition = 'correction') ELSE 0 END "
        "FROM work_orders w LEFT JOIN outcomes o ON o.id = w.outcome_id "
        "LEFT JOIN outcomes a ON a.id = CASE WHEN o.disposition = 'correction' THEN "
        "(SELECT MIN(f.id) FROM outcomes f WHERE f.work_order_id = w.id AND "
        "f.disposition = 'applied' AND f.outcome IS NOT NULL) ELSE o.id END "
        "LEFT JOIN (SELECT outcome_id, MIN(delivered_at) AS delivered_at FROM outbox "
        "WHERE destination = 'crm' AND state = 'delivered' AND outcome_id IS NOT NULL "
        "GROUP BY outcome_id) x ON x.outcome_id = a.id "
        "WHERE w.scheduled_date >= $1 AND w.scheduled_date <= $2 AND w.vendor IS NOT NULL "
        "AND ($3::text IS NULL OR w.vendor = $3)",
        pg::Params().text(period.from).text(period.to).optional_text(period.vendor));
    ReportOrderRow row;
    for (int i = 0; i < r.rows(); ++i) {
        row.vendor = r.text(i, 0);
        row.status = r.text(i, 1);
        row.outcome = r.optional_text(i, 2);
        row.reason = r.optional_text(i, 3);
        row.evidence_complete = !r.is_null(i, 4) && r.integer(i, 4) != 0;
        row.evidence_time = r.optional_text(i, 5);
        row.occurred_at = r.optional_text(i, 6);
        row.delivered_at = r.optional_text(i, 7);
        row.corrections = r.integer(i, 8);
        visit(row);
    }
}

}  // namespace fieldgate::store
