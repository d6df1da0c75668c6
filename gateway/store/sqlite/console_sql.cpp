#include "console_sql.h"

namespace fieldgate::store::console_sql {

void insert_session(sqlite::Connection& db, const ConsoleSession& s) {
    db.prepare("DELETE FROM console_sessions WHERE expires_at < ?")->bind(1, s.created_at).run();
    db.prepare(
          "INSERT INTO console_sessions (id_hash, account, role, created_at, expires_at) "
          "VALUES (?, ?, ?, ?, ?)")
        ->bind(1, s.id_hash)
        .bind(2, s.account)
        .bind(3, s.role)
        .bind(4, s.created_at)
        .bind(5, s.expires_at)
        .run();
}

std::optional<ConsoleSession> find_session(sqlite::Connection& db, const std::string& id_hash,
                                           const std::string& now) {
    auto q = db.prepare(
        "SELECT account, role, created_at, expires_at FROM console_sessions "
        "WHERE id_hash = ? AND expires_at > ?");
    q->bind(1, id_hash).bind(2, now);
    if (!q->step()) return std::nullopt;
    return ConsoleSession{id_hash, q->text(0), q->text(1), q->text(2), q->text(3)};
}

bool end_session(sqlite::Connection& db, const std::string& id_hash) {
    db.prepare("DELETE FROM console_sessions WHERE id_hash = ?")->bind(1, id_hash).run();
    return db.changes() > 0;
}

void append_audit(sqlite::Connection& db, const AuditEntry& e) {
    db.prepare(
          "INSERT INTO audit_log (at, account, role, action, target, status, detail) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")
        ->bind(1, e.at)
        .bind(2, e.account)
        .bind(3, e.role)
        .bind(4, e.action)
        .bind(5, e.target)
        .bind(6, e.status)
        .bind(7, e.detail)
        .run();
}

std::vector<AuditEntry> list_audit(sqlite::Connection& db, std::int64_t before_id, int limit) {
    auto q = db.prepare(
        "SELECT id, at, account, role, action, target, status, detail FROM audit_log "
        "WHERE (?1 = 0 OR id < ?1) ORDER BY id DESC LIMIT ?2");
    q->bind(1, before_id).bind(2, limit);
    std::vector<AuditEntry> out;
    while (q->step())
        out.push_back({q->integer(0), q->text(1), q->text(2), q->text(3), q->text(4), q->text(5),
                       static_cast<int>(q->integer(6)), q->text(7)});
    return out;
}

std::vector<OrderMatch> search_work_orders(sqlite::Connection& db, const std::string& text,
                                           int limit) {
    auto q = db.prepare(
        "SELECT id, crm_case_id, address, IFNULL(vendor, ''), scheduled_date, status "
        "FROM work_orders WHERE id = ?1 OR crm_case_id = ?1 "
        "OR id IN (SELECT work_order_id FROM outcomes WHERE vendor_ref = ?1) "
        "OR instr(lower(address), lower(?1)) > 0 ORDER BY created_at DESC, id DESC LIMIT ?2");
    q->bind(1, text).bind(2, limit);
    std::vector<OrderMatch> out;
    while (q->step())
        out.push_back({q->text(0), q->text(1), q->text(2), q->text(3), q->text(4), q->text(5)});
    return out;
}

std::vector<OrderEvent> list_order_events(sqlite::Connection& db,
                                          const std::string& work_order_id) {
    auto q = db.prepare(
        "SELECT id, destination, event_type, state, attempts, last_status, IFNULL(last_error, ''), "
        "created_at, IFNULL(next_attempt_at, ''), IFNULL(delivered_at, ''), IFNULL(dead_at, '') "
        "FROM outbox WHERE work_order_id = ? ORDER BY id");
    q->bind(1, work_order_id);
    std::vector<OrderEvent> out;
    while (q->step())
        out.push_back({q->integer(0), q->text(1), q->text(2), q->text(3), q->integer(4),
                       q->optional_integer(5), q->text(6), q->text(7), q->text(8), q->text(9),
                       q->text(10)});
    return out;
}

}  // namespace fieldgate::store::console_sql
