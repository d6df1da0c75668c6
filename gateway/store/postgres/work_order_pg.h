// Work orders, their history, outcomes, raw payloads, Idempotency-Key answers and the vendors'
// feed on PostgreSQL: the SQL of WorkOrderRepository, on the connection of the unit of work it
// is given. Outcomes, raw payloads and idempotency keys are in outcome_pg.cpp.
#pragma once

#include "pg.h"
#include "read_ahead.h"
#include "read_ahead_pg.h"
#include "work_order_repository.h"

namespace fieldgate::store {

class PgWorkOrderRepository : public virtual WorkOrderRepository {
  public:
    // lock_rows: the writer's unit of work. Work orders it reads are locked (FOR UPDATE) until
    // it commits, so two gateways applying results to one order take turns: the second sees
    // what the first stored (a duplicate, a late report) instead of both closing it.
    explicit PgWorkOrderRepository(pg::Connection& db, bool lock_rows = false)
        : db_(&db), lock_suffix_(lock_rows ? " FOR UPDATE" : "") {}

    // The writer's batch: its jobs' work orders locked and read, their outcomes by content, and
    // ids for what they insert, in one round trip (read_ahead_pg.h). Nothing outside the
    // writer reads ahead.
    void read_ahead(const std::vector<const ReadAhead*>& jobs);

    std::optional<WorkOrder> find_work_order(const std::string& id) override;
    std::optional<WorkOrder> find_work_order_by_case(const std::string& crm_case_id) override;
    std::optional<WorkOrder> find_work_order_state_by_case(const std::string& crm_case_id) override;
    void insert_work_order(const WorkOrder& wo) override;
    void update_work_order_status(const std::string& id, const std::string& status,
                                  std::optional<std::int64_t> outcome_id,
                                  const std::string& at) override;
    void append_history(const std::string& work_order_id, const HistoryEntry& entry) override;
    std::vector<HistoryEntry> list_history(const std::string& work_order_id) override;
    std::vector<WorkOrder> open_orders_on_route(const std::string& vendor,
                                                const std::string& route_id,
                                                const std::string& route_date) override;
    std::vector<WorkOrder> unflagged_field_orders(const std::string& first,
                                                  const std::string& last) override;
    bool flag_overdue(const std::string& id, const std::string& at) override;
    std::optional<OutcomeRow> find_outcome_by_content(const std::string& vendor,
                                                      const std::string& vendor_ref,
                                                      const std::string& work_order_id,
                                                      const std::string& content_hash) override;
    std::optional<OutcomeRow> find_outcome(std::int64_t id) override;
    bool outcome_ref_exists(const std::string& vendor, const std::string& vendor_ref) override;
    std::int64_t insert_outcome(const OutcomeRow& row) override;
    std::int64_t store_raw_payload(const RawPayload& raw) override;
    std::optional<StoredResponse> find_stored_response(const std::string& vendor,
                                                       const std::string& key) override;
    void store_response(const std::string& vendor, const std::string& key,
                        const StoredResponse& response, const std::string& at) override;
    std::int64_t append_feed(const FeedRow& row) override;
    std::vector<FeedRow> feed_after(const std::string& vendor, std::int64_t after,
                                    int limit) override;
    void reschedule_work_order(const std::string& id, const ScheduleUpdate& update,
                               const std::string& at) override;

  private:
    std::optional<WorkOrder> find_where(const char* column, const std::string& value,
                                        const char* columns);

    bool locks_rows() const { return *lock_suffix_ != '\0'; }

    pg::Connection* db_;
    const char* lock_suffix_;
    PgReadAheadCache cache_;
};

}  // namespace fieldgate::store
