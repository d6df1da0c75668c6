// The gateway's own metrics (names in docs/metrics.md): what the request and ingest paths
// count, and the gauges read from the store and the writer when /metrics is scraped.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ingest.h"
#include "read_pool.h"
#include "types.h"
#include "writer.h"

namespace fieldgate {
namespace metrics {

// Wraps `respond` so the answer is counted by route template, method and status once it is
// known (a deferred answer's status is known only after its prepare step).
http::Respond count_http(std::string_view route, std::string_view method, http::Respond respond);

// Results by vendor/outcome/reason/verdict and refusals by vendor/problem type.
void count_ingest(const IngestRequest& request, const IngestReport& report);

// A vendor request answered 429 because the vendor is over its rate limit (not stored).
void count_rate_limited(std::string_view vendor);

// A request refused for its credentials (`why`: "credential") or answered 429 because its
// client had too many refused ("blocked"), by route template. Nothing of it is stored.
void count_auth_refused(std::string_view route, std::string_view why);

// Crew sync: one answered action batch ({"results": [{"verdict": ...}]}), counted by verdict.
void count_sync_results(const nlohmann::json& answer);

// MQTT, read at scrape time: the broker connection and the messages taken in by kind (the
// keys of TruckService::stats()). Returns the handle to remove it with.
std::uint64_t register_mqtt_collector(std::function<bool()> connected,
                                      std::function<nlohmann::json()> stats);

// A writer batch committed (or failed) after `seconds` with `jobs` jobs.
void observe_commit(double seconds, std::size_t jobs);

// An event delivered to `endpoint` `seconds` after it was created.
void observe_delivery_lag(const std::string& endpoint, double seconds);

// Gauges computed at scrape time: quarantine size, outbox depth and oldest pending age, dead
// letters, writer queue and commit totals (delivery registers its own: delivery_metrics.h).
// Returns the handle to remove them with (Registry::remove_collector) before those go away.
std::uint64_t register_gateway_collectors(store::ReadPool& reads, store::Writer& writer);

}  // namespace metrics
}  // namespace fieldgate
