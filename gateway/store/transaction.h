// One unit of work on the store: every repository, bound to the same transaction (a writer job)
// or to one read snapshot. Services take the repositories they need; a store implementation
// (SQLite today) implements them all over one connection.
#pragma once

#include <exception>

#include "crew_repository.h"
#include "outbox_repository.h"
#include "poll_state_repository.h"
#include "quarantine_repository.h"
#include "report_repository.h"
#include "truck_repository.h"
#include "work_order_repository.h"

namespace fieldgate::store {

class Transaction : public virtual WorkOrderRepository,
                    public virtual OutboxRepository,
                    public virtual QuarantineRepository,
                    public virtual TruckRepository,
                    public virtual CrewRepository,
                    public virtual PollStateRepository,
                    public virtual ReportRepository {
  public:
    ~Transaction() override = default;
};

// A failure the store may not repeat if the same unit of work is tried again later (disk full,
// the database busy), as opposed to one the work itself caused.
bool is_transient_failure(const std::exception& e);

}  // namespace fieldgate::store
