// Trucks and their position history on PostgreSQL: the SQL of TruckRepository, on the
// connection of the unit of work it is given.
#pragma once

#include "pg.h"
#include "truck_repository.h"

namespace fieldgate::store {

class PgTruckRepository : public virtual TruckRepository {
  public:
    explicit PgTruckRepository(pg::Connection& db) : db_(&db) {}

    void insert_positions(const std::vector<PositionRow>& history,
                          const std::vector<PositionRow>& latest, const std::string& now) override;
    void set_truck_state(const std::string& truck_id, const std::string& vendor,
                         const std::string& state, const std::string& at) override;
    void set_truck_route(const std::string& truck_id, const std::string& vendor,
                         const std::string& route_id, const std::string& route_date,
                         const std::string& at) override;
    TruckRow claim_truck(const std::string& truck_id, const std::string& vendor,
                         const std::string& at) override;
    std::int64_t prune_positions(const std::string& cutoff) override;
    std::vector<TruckRow> list_trucks(const std::optional<std::string>& vendor) override;
    std::optional<TruckRow> find_truck(const std::string& truck_id) override;
    std::vector<PositionRow> track(const std::string& truck_id, const std::string& from,
                                   const std::string& to, int limit) override;
    std::vector<WorkOrder> orders_on_route(const std::string& vendor, const std::string& route_id,
                                           const std::string& route_date) override;

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
