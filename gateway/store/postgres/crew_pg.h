// Crew devices, their actions and their photo uploads on PostgreSQL: the SQL of CrewRepository,
// on the connection of the unit of work it is given.
#pragma once

#include "crew_repository.h"
#include "pg.h"

namespace fieldgate::store {

class PgCrewRepository : public virtual CrewRepository {
  public:
    explicit PgCrewRepository(pg::Connection& db) : db_(&db) {}

    std::optional<DeviceRow> find_device(const std::string& id) override;
    bool insert_device(const DeviceRow& row) override;
    void set_device_secret(const std::string& id, const std::string& secret_sha256,
                           const std::string& app_version, const std::string& at) override;
    void spend_enrollment_token(const std::string& id, const std::string& at) override;
    std::optional<CrewActionRow> find_crew_action(const std::string& device_id,
                                                  const std::string& action_id) override;
    void insert_crew_action(const CrewActionRow& row) override;
    void touch_device(const std::string& id, const std::string& at) override;
    std::vector<std::pair<DeviceRow, std::int64_t>> list_devices() override;
    std::vector<std::string> crew_order_ids(const std::string& target, const std::string& from,
                                            const std::string& to) override;
    std::int64_t crew_feed_head(const std::string& target) override;
    std::optional<PhotoState> find_photo(const std::string& crew,
                                         const std::string& sha256) override;
    ChunkOutcome append_photo_chunk(const PhotoUploader& by, const std::string& sha256,
                                    std::int64_t size, std::int64_t offset, std::string_view bytes,
                                    const std::string& now) override;
    std::optional<std::string> read_photo(
        const std::string& sha256, const std::optional<std::string>& crew = std::nullopt) override;

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
