// SQL for trucks (latest state, assigned route) and their position history. Shared by the MQTT
// side (writes, on the writer's connection) and the truck routes (reads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

// Appends the history rows and moves each truck's latest position forward to `latest` (never
// back: a late fix does not replace a newer one).
void insert_positions(sqlite::Connection& db, const std::vector<PositionRow>& history,
                      const std::vector<PositionRow>& latest, const std::string& now);
void set_truck_state(sqlite::Connection& db, const std::string& truck_id, const std::string& vendor,
                     const std::string& state, const std::string& at);
void set_truck_route(sqlite::Connection& db, const std::string& truck_id, const std::string& vendor,
                     const std::string& route_id, const std::string& route_date,
                     const std::string& at);
// Records the truck under `vendor` unless it is known already; the truck as stored.
TruckRow claim_truck(sqlite::Connection& db, const std::string& truck_id, const std::string& vendor,
                     const std::string& at);
// Deletes history older than `cutoff` (RFC 3339 UTC); returns the rows removed.
std::int64_t prune_positions(sqlite::Connection& db, const std::string& cutoff);

std::vector<TruckRow> list_trucks(sqlite::Connection& db, const std::optional<std::string>& vendor);
std::optional<TruckRow> find_truck(sqlite::Connection& db, const std::string& truck_id);
std::vector<PositionRow> track(sqlite::Connection& db, const std::string& truck_id,
                               const std::string& from, const std::string& to, int limit);
// A route's stops for a day in stop order, every status (what a truck is shown).
std::vector<WorkOrder> orders_on_route(sqlite::Connection& db, const std::string& vendor,
                                       const std::string& route_id, const std::string& route_date);

}  // namespace fieldgate::store
