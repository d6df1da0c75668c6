// The console's sessions and the audit log on PostgreSQL (console_repository.h).
#pragma once

#include "console_repository.h"
#include "pg.h"

namespace fieldgate::store {

class PgConsoleRepository : public virtual ConsoleRepository {
  public:
    explicit PgConsoleRepository(pg::Connection& db) : db_(&db) {}

    void insert_console_session(const ConsoleSession& session) override;
    std::optional<ConsoleSession> find_console_session(const std::string& id_hash,
                                                       const std::string& now) override;
    bool end_console_session(const std::string& id_hash) override;
    void append_audit(const AuditEntry& entry) override;
    std::vector<AuditEntry> list_audit(std::int64_t before_id, int limit) override;
    std::vector<OrderMatch> search_work_orders(const std::string& text, int limit) override;
    std::vector<OrderEvent> list_order_events(const std::string& work_order_id) override;

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
