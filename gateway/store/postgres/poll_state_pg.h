// Poll state on PostgreSQL: the SQL of PollStateRepository, on the connection of the unit of
// work it is given.
#pragma once

#include "pg.h"
#include "poll_state_repository.h"

namespace fieldgate::store {

class PgPollStateRepository : public virtual PollStateRepository {
  public:
    explicit PgPollStateRepository(pg::Connection& db) : db_(&db) {}

    std::optional<PollState> load_poll_state(const std::string& vendor) override;
    void save_poll_state(const PollState& state) override;
    void record_poll_failure(const std::string& vendor, const std::string& error,
                             const std::string& at, const std::string& next_request_at) override;

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
