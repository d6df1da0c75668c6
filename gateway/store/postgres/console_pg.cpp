#include "console_pg.h"

namespace fieldgate::store {

void PgConsoleRepository::insert_console_session(const ConsoleSession& s) {
    db_->query("DELETE FROM console_sessions WHERE expires_at < $1",
               pg::Params().text(s.created_at));
    db_->query(
        "INSERT INTO console_sessions (id_hash, account, role, created_at, expires_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        pg::Params()
            .text(s.id_hash)
            .text(s.account)
            .text(s.role)
            .text(s.created_at)
            .text(s.expires_at));
}

std::optional<ConsoleSession> PgConsoleRepository::find_console_session(const std::string& id_hash,
                                                                        const std::string& now) {
    const auto r = db_->query(
        "SELECT account, role, created_at, expires_at FROM console_sessions "
        "WHERE id_hash = $1 AND expires_at > $2",
        pg::Params().text(id_hash).text(now));
    if (r.rows() == 0) return std::nullopt;
    return ConsoleSession{id_hash, r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3)};
}

bool PgConsoleRepository::end_console_session(const std::string& id_hash) {
    return db_->query("DELETE FROM console_sessions WHERE id_hash = $1", pg::Params().text(id_hash))
               .affected() > 0;
}

void PgConsoleRepository::append_audit(const AuditEntry& e) {
    db_->query(
        "INSERT INTO audit_log (at, account, role, action, target, status, detail) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        pg::Params()
            .text(e.at)
            .text(e.account)
            .text(e.role)
            .text(e.action)
            .text(e.target)
            .integer(e.status)
            .text(e.detail));
}

std::vector<AuditEntry> PgConsoleRepository::list_audit(std::int64_t before_id, int limit) {
    const auto r = db_->query(
        "SELECT id, at, account, role, action, target, status, detail FROM audit_log "
        "WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2::bigint",
        pg::Params().integer(before_id).integer(limit));
    std::vector<AuditEntry> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                       r.text(i, 5), static_cast<int>(r.integer(i, 6)), r.text(i, 7)});
    return out;
}

std::vector<OrderMatch> PgConsoleRepository::search_work_orders(const std::string& text,
                                                                int limit) {
    const auto r = db_->query(
        "SELECT id, crm_case_id, address, COALESCE(vendor, ''), scheduled_date, status "
        "FROM work_orders WHERE id = $1 OR crm_case_id = $1 "
        "OR id IN (SELECT work_order_id FROM outcomes WHERE vendor_ref = $1) "
        "OR strpos(lower(address), lower($1)) > 0 ORDER BY created_at DESC, id DESC "
        "LIMIT $2::bigint",
        pg::Params().text(text).integer(limit));
    std::vector<OrderMatch> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(
            {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)});
    return out;
}

std::vector<OrderEvent> PgConsoleRepository::list_order_events(const std::string& work_order_id) {
    const auto r = db_->query(
        "SELECT id, destination, event_type, state, attempts, last_status, "
        "COALESCE(last_error, ''), created_at, COALESCE(next_attempt_at, ''), "
        "COALESCE(delivered_at, ''), COALESCE(dead_at, '') FROM outbox WHERE work_order_id = $1 "
        "ORDER BY id",
        pg::Params().text(work_order_id));
    std::vector<OrderEvent> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.integer(i, 4),
                       r.optional_integer(i, 5), r.text(i, 6), r.text(i, 7), r.text(i, 8),
                       r.text(i, 9), r.text(i, 10)});
    return out;
}

}  // namespace fieldgate::store
