// Quarantine and dead letters on PostgreSQL: the SQL of QuarantineRepository, on the connection
// of the unit of work it is given.
#pragma once

#include "pg.h"
#include "quarantine_repository.h"

namespace fieldgate::store {

class PgQuarantineRepository : public virtual QuarantineRepository {
  public:
    explicit PgQuarantineRepository(pg::Connection& db) : db_(&db) {}

    std::int64_t quarantine(QuarantineEntry entry,
                            const std::function<std::int64_t()>& raw_payload_id) override;
    std::vector<DeadLetter> dead_letters(const std::optional<std::string>& destination,
                                         std::int64_t after_id, int limit) override;
    int replay_dead_letters(const std::vector<std::int64_t>& ids,
                            const std::optional<std::string>& destination) override;
    std::vector<QuarantineRow> list_quarantine(const QuarantineFilter& f) override;
    std::optional<QuarantineRow> find_quarantine(std::int64_t id) override;
    std::optional<QuarantinedPayload> find_quarantined_payload(std::int64_t id) override;
    std::vector<QuarantineRow> quarantine_of_body(const std::optional<std::string>& vendor,
                                                  const std::string& body_sha256) override;
    void record_replay(std::int64_t id, const std::string& verdict, const std::string& detail_json,
                       bool resolved, const std::string& at) override;
    bool discard_quarantine(std::int64_t id, const std::string& reason,
                            const std::string& at) override;
    std::int64_t open_quarantine_count() override;
    bool discard_dead_letter(std::int64_t id, const std::string& reason,
                             const std::string& at) override;

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
