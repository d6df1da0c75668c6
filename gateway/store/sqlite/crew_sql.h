// The crew tables of the gateway store: devices, the actions they pushed. Plain SQL over one
// connection; callers choose the writer (writes) or a read connection (reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crew_repository.h"
#include "sqlite.h"

namespace fieldgate::sync {

std::optional<DeviceRow> find_device(sqlite::Connection& db, const std::string& id);
// False when the id is taken.
bool insert_device(sqlite::Connection& db, const DeviceRow& row);
void set_device_secret(sqlite::Connection& db, const std::string& id,
                       const std::string& secret_sha256, const std::string& app_version,
                       const std::string& at);
// The enrollment token is spent once the device has used its secret.
void spend_enrollment_token(sqlite::Connection& db, const std::string& id, const std::string& at);

std::optional<CrewActionRow> find_crew_action(sqlite::Connection& db, const std::string& device_id,
                                              const std::string& action_id);
void insert_crew_action(sqlite::Connection& db, const CrewActionRow& row);
void touch_device(sqlite::Connection& db, const std::string& id, const std::string& at);

}  // namespace fieldgate::sync

namespace fieldgate::sync {

// Every device, oldest first, with how many actions each has pushed.
std::vector<std::pair<DeviceRow, std::int64_t>> list_devices(sqlite::Connection& db);

// Ids of `target`'s orders scheduled from `from` to `to` (YYYY-MM-DD, inclusive).
std::vector<std::string> crew_order_ids(sqlite::Connection& db, const std::string& target,
                                        const std::string& from, const std::string& to);
// The last feed seq of `target` (0 when none): the cursor an assignment download starts from.
std::int64_t crew_feed_head(sqlite::Connection& db, const std::string& target);

}  // namespace fieldgate::sync
