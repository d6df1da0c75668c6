// The PostgreSQL implementation of every repository, on one connection: the unit of work the
// writer hands its jobs, or a read session. Each area's SQL lives in its own class; this one
// only puts them together (the interfaces are virtual bases, so each area's class is the final
// word for its methods).
#pragma once

#include "console_pg.h"
#include "crew_pg.h"
#include "outbox_pg.h"
#include "pg.h"
#include "poll_state_pg.h"
#include "quarantine_pg.h"
#include "report_pg.h"
#include "transaction.h"
#include "truck_pg.h"
#include "work_order_pg.h"

namespace fieldgate::store {

class PgTransaction final : public Transaction,
                            public PgWorkOrderRepository,
                            public PgOutboxRepository,
                            public PgQuarantineRepository,
                            public PgTruckRepository,
                            public PgCrewRepository,
                            public PgPollStateRepository,
                            public PgReportRepository,
                            public PgConsoleRepository {
  public:
    // writer: the writer's unit of work, which locks the work orders it reads (work_order_pg.h).
    explicit PgTransaction(pg::Connection& db, bool writer = false)
        : PgWorkOrderRepository(db, writer),
          PgOutboxRepository(db),
          PgQuarantineRepository(db),
          PgTruckRepository(db),
          PgCrewRepository(db),
          PgPollStateRepository(db),
          PgReportRepository(db),
          PgConsoleRepository(db),
          db_(&db) {}
    pg::Connection& connection() { return *db_; }
    void read_ahead(const std::vector<const ReadAhead*>& jobs) override {
        PgWorkOrderRepository::read_ahead(jobs);
    }

  private:
    pg::Connection* db_;
};

}  // namespace fieldgate::store
