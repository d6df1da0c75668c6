// The console's sessions and the audit log on SQLite (console_repository.h).
#pragma once

#include "console_repository.h"
#include "sqlite.h"

namespace fieldgate::store::console_sql {

void insert_session(sqlite::Connection& db, const ConsoleSession& session);
std::optional<ConsoleSession> find_session(sqlite::Connection& db, const std::string& id_hash,
                                           const std::string& now);
bool end_session(sqlite::Connection& db, const std::string& id_hash);
void append_audit(sqlite::Connection& db, const AuditEntry& entry);
std::vector<AuditEntry> list_audit(sqlite::Connection& db, std::int64_t before_id, int limit);
std::vector<OrderMatch> search_work_orders(sqlite::Connection& db, const std::string& text,
                                           int limit);
std::vector<OrderEvent> list_order_events(sqlite::Connection& db, const std::string& work_order_id);

}  // namespace fieldgate::store::console_sql
