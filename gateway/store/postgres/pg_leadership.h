// Leadership on PostgreSQL: one session-level advisory lock per role, on a connection of its
// own. The server releases a session's locks when the session ends, so a gateway killed or cut
// off (the session's TCP keepalives end it within seconds) hands its roles to the next gateway
// that asks.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <set>

#include "leadership.h"
#include "pg_store.h"

namespace fieldgate::pg {
class Connection;
}

namespace fieldgate::store {

class PgLeadership final : public Leadership {
  public:
    explicit PgLeadership(PgStoreOptions options);
    ~PgLeadership() override;

    bool leads(LeaderRole role) override;

  private:
    bool connected(std::chrono::steady_clock::time_point now);

    PgStoreOptions options_;
    std::mutex mutex_;
    std::unique_ptr<pg::Connection> db_;
    std::set<LeaderRole> held_;
    std::chrono::steady_clock::time_point checked_at_{};
    std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace fieldgate::store
