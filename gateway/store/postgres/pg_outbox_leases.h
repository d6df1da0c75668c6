// Outbox leases on PostgreSQL (see outbox_leases.h), on a connection of their own so that a
// claim never waits behind the writer's batch.
#pragma once

#include <memory>
#include <mutex>

#include "outbox_leases.h"
#include "pg_store.h"

namespace fieldgate::pg {
class Connection;
}

namespace fieldgate::store {

class PgOutboxLeases final : public OutboxLeases {
  public:
    explicit PgOutboxLeases(PgStoreOptions options);
    ~PgOutboxLeases() override;

    std::vector<PendingEvent> claim(const std::string& destination, const std::string& owner,
                                    const std::string& now, std::chrono::milliseconds lease,
                                    int limit) override;
    void renew(const std::vector<std::int64_t>& ids, const std::string& owner,
               std::chrono::milliseconds lease) override;
    void release(const std::vector<std::int64_t>& ids, const std::string& owner) override;

  private:
    pg::Connection& connection();

    PgStoreOptions options_;
    std::mutex mutex_;
    std::unique_ptr<pg::Connection> db_;
};

}  // namespace fieldgate::store
