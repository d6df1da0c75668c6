// One unit of work on the store: every repository, bound to the same transaction (a writer job)
// or to one read snapshot. Services take the repositories they need; a store implementation
// (SQLite today) implements them all over one connection.
#pragma once

#include <exception>
#include <vector>

#include "console_repository.h"
#include "crew_repository.h"
#include "outbox_repository.h"
#include "poll_state_repository.h"
#include "quarantine_repository.h"
#include "read_ahead.h"
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
                    public virtual ReportRepository,
                    public virtual ConsoleRepository {
  public:
    ~Transaction() override = default;
    // The writer, at the start of every batch (after BEGIN): what the batch's jobs will read.
    // Whatever an earlier batch fetched is forgotten. A store whose reads are local (SQLite)
    // has nothing to fetch.
    virtual void read_ahead(const std::vector<const ReadAhead*>& jobs) { (void)jobs; }
};

// A failure the store may not repeat if the same unit of work is tried again later (disk full,
// the database busy), as opposed to one the work itself caused.
bool is_transient_failure(const std::exception& e);

// A failure to reach the store at all (a networked store down or cut off), as opposed to one
// it answered (a full disk, a constraint): a gateway in that state cannot serve, so /readyz
// takes it out of rotation.
bool is_unreachable(const std::exception& e);

}  // namespace fieldgate::store
