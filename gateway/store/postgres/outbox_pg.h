// The outbox on PostgreSQL: the SQL of OutboxRepository, on the connection of the unit of work
// it is given.
#pragma once

#include "outbox_repository.h"
#include "pg.h"

namespace fieldgate::store {

class PgOutboxRepository : public virtual OutboxRepository {
  public:
    explicit PgOutboxRepository(pg::Connection& db) : db_(&db) {}

    std::int64_t enqueue_event(const OutboxEvent& event) override;
    std::vector<OutboxEvent> events_of(const std::string& work_order_id) override;
    std::vector<PendingEvent> pending_events(const std::string& destination, std::int64_t after_id,
                                             int limit) override;
    void mark_delivered(std::int64_t id, int status, const std::string& at) override;
    void mark_retry(std::int64_t id, int status, const std::string& error,
                    const std::string& next_attempt_at, const std::string& deferred_by) override;
    void mark_dead(std::int64_t id, int status, const std::string& error,
                   const std::string& at) override;
    void note_attempt(std::int64_t id, int status, const std::string& error) override;
    void defer_to_endpoint(const std::vector<std::int64_t>& ids) override;
    int release_endpoint_deferrals(const std::string& destination) override;
    std::vector<EndpointState> endpoint_states() override;
    void set_endpoint_state(const std::string& name, const std::string& state,
                            const std::optional<std::string>& reason,
                            const std::string& at) override;
    OutboxCounts outbox_counts(const std::string& destination) override;
    std::int64_t enqueue_event_to(const OutboxEvent& event,
                                  const std::string& destination) override;

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
