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

}  // namespace fieldgate::store::console_sql
