// Trucks (latest state, assigned route) and their position history.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "records.h"

namespace fieldgate::store {

struct PositionRow {
    std::string truck_id;
    std::string vendor;
    std::string fix_time;  // RFC 3339 as the device sent it
    double lat = 0;
    double lon = 0;
    std::optional<double> speed_kmh;
    std::optional<double> heading;
};

struct TruckRow {
    std::string truck_id;
    std::string vendor;
    std::string state;  // unknown | online | offline
    std::optional<std::string> state_at;
    std::optional<std::string> last_seen_at;
    std::optional<PositionRow> position;
    std::optional<std::string> route_id;
    std::optional<std::string> route_date;
};

class TruckRepository {
  public:
    virtual ~TruckRepository() = default;

    // Appends the history rows and moves each truck's latest position forward to `latest` (never
    // back: a late fix does not replace a newer one).
    virtual void insert_positions(const std::vector<PositionRow>& history,
                                  const std::vector<PositionRow>& latest,
                                  const std::string& now) = 0;
    virtual void set_truck_state(const std::string& truck_id, const std::string& vendor,
                                 const std::string& state, const std::string& at) = 0;
    virtual void set_truck_route(const std::string& truck_id, const std::string& vendor,
                                 const std::string& route_id, const std::string& route_date,
                                 const std::string& at) = 0;
    // Records the truck under `vendor` unless the store knows it already, and returns the truck
    // as stored: its vendor is the one it was first seen under, by whichever gateway saw it
    // first. On PostgreSQL a claim of an id another gateway's writer has claimed but not yet
    // committed waits for that commit and then reads its vendor, so two gateways never both win.
    virtual TruckRow claim_truck(const std::string& truck_id, const std::string& vendor,
                                 const std::string& at) = 0;
    // Deletes history older than `cutoff` (RFC 3339 UTC); returns the rows removed.
    virtual std::int64_t prune_positions(const std::string& cutoff) = 0;
    virtual std::vector<TruckRow> list_trucks(const std::optional<std::string>& vendor) = 0;
    virtual std::optional<TruckRow> find_truck(const std::string& truck_id) = 0;
    virtual std::vector<PositionRow> track(const std::string& truck_id, const std::string& from,
                                           const std::string& to, int limit) = 0;
    // A route's stops for a day in stop order, every status (what a truck is shown).
    virtual std::vector<WorkOrder> orders_on_route(const std::string& vendor,
                                                   const std::string& route_id,
                                                   const std::string& route_date) = 0;
};

}  // namespace fieldgate::store
