// The crew tables of the gateway store: devices, the actions they pushed. Plain SQL over one
// connection; callers choose the writer (writes) or a read connection (reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.h"

namespace fieldgate::sync {

struct DeviceRow {
    std::string id;
    std::string crew;
    std::string name;
    std::optional<std::string> token_sha256;   // set until the device first uses its secret
    std::optional<std::string> secret_sha256;  // set once enrolled
    std::string created_at;
    std::optional<std::string> enrolled_at;
    std::optional<std::string> last_seen_at;
    std::optional<std::string> app_version;
    std::string state;
};

// The dispatch target of a crew's work orders (work_orders.vendor): "crew:<crew>".
std::string crew_target(const std::string& crew);

std::optional<DeviceRow> find_device(sqlite::Connection& db, const std::string& id);
// False when the id is taken.
bool insert_device(sqlite::Connection& db, const DeviceRow& row);
void set_device_secret(sqlite::Connection& db, const std::string& id,
                       const std::string& secret_sha256, const std::string& app_version,
                       const std::string& at);
// The enrollment token is spent once the device has used its secret.
void spend_enrollment_token(sqlite::Connection& db, const std::string& id, const std::string& at);

struct CrewActionRow {
    std::string device_id;
    std::string action_id;
    std::int64_t device_seq = 0;
    std::optional<std::string> work_order_id;
    std::string type;
    std::string request_sha256;
    std::string body;  // the action as the device sent it (a note's text and photos live here)
    std::optional<std::string> device_time;
    std::optional<std::string> occurred_at;
    std::optional<std::int64_t> clock_skew_ms;
    std::optional<std::string> time_flag;
    std::string verdict;
    std::string result_json;  // the answer given the first time, given again to every repeat
    std::string received_at;
};

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
