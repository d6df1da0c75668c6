// A batch of crew actions pushed by one tablet: parsed and checked on the I/O thread, then
// applied in one writer job through the same pipeline as vendor results (apply_ingest, source
// crew:<device>). Idempotent by (device, client action id): an action seen before is answered
// with the verdict it got the first time and changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "ingest_service.h"
#include "time_util.h"
#include "transaction.h"

namespace fieldgate::sync {

// Action types a tablet records; all but `note` become outcomes or progress in the pipeline.
// arrived -> progress on_site; completed -> COMPLETED; partial -> PARTIALLY_COMPLETED;
// not_collected -> NOT_COLLECTED (reason from the catalog required).
struct CrewAction {
    std::string action_id;
    std::int64_t seq = 0;
    std::string work_order_id;
    std::string type;
    std::string reason;
    std::string detail;
    std::optional<SysMillis> occurred_at;
    std::optional<double> lat;
    std::optional<double> lon;
    std::optional<double> gps_accuracy_m;
    std::vector<std::string> photos;  // sha256 of each photo's content
    std::optional<std::int64_t> items_collected;
    std::string body;               // the action as sent (JSON)
    std::string request_sha256;     // of `body`: tells a repeat from a reuse
    std::optional<ApiError> error;  // the action itself is unusable (answered rejected)
};

struct ActionBatch {
    std::optional<SysMillis> device_time;  // the device's clock when it sent the batch
    std::vector<CrewAction> actions;
};

inline constexpr std::size_t kMaxActionsPerBatch = 1000;

// {"device_time": RFC 3339, "actions": [...]}. A problem with the batch as a whole (not JSON,
// no actions array, an action without a usable action_id or seq) is an error; a problem with
// one action's content is kept on that action and answered as its verdict.
std::variant<ApiError, ActionBatch> parse_action_batch(const std::string& body);

// What the crew verdict is for one pipeline verdict (pure).
std::string crew_verdict(const RecordVerdict& v);

// Inside a writer job: applies the batch and records every new action; returns the answer
// {"received_at", "clock_skew_ms", "results": [{action_id, seq, verdict, ...}]}.
nlohmann::json apply_action_batch(store::Transaction& db, const IngestService& ingest,
                                  const DeviceRow& device, const ActionBatch& batch,
                                  const std::string& raw_body, SysMillis received_at);

}  // namespace fieldgate::sync
