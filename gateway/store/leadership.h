// Work that must run on one gateway at a time (polling vendors, the watchdog, pruning
// history) asks here before each round. On SQLite there is one gateway per
// file, so it always leads; on PostgreSQL the gateways hold advisory locks, one per role, and a
// gateway that dies or loses the database gives its roles up to another within seconds.
#pragma once

namespace fieldgate::store {

// (1 was delivery, which every gateway now shares through outbox leases.)
enum class LeaderRole { polling = 2, watchdog = 3, pruning = 4 };

class Leadership {
  public:
    virtual ~Leadership() = default;
    // True while this gateway leads `role`; tries to take the lead when nobody holds it.
    virtual bool leads(LeaderRole role) = 0;
};

class SoleLeader final : public Leadership {
  public:
    bool leads(LeaderRole) override { return true; }
};

}  // namespace fieldgate::store
