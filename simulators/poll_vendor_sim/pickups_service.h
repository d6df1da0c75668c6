// Riverbend's HTTP API as the simulator serves it:
//   GET  /api/v2/pickups?modified_since=&modified_before=&page_size=&page_token=
//        header X-Riverbend-Key; {"pickups": [...], "links": {"next": "/api/v2/pickups?..."|null}}
//   GET  /api/v2/pickups/changes?cursor=<seq>&page_size=   the same pickups as a change feed:
//        {"pickups": [...after cursor...], "cursor": "<last seq sent, or the one given>"}
//   POST /control/orders  {"crm_case_ids": [...], "result": "done", "missed_code": 11,
//                          "backdate_s": 0}  -> {"added": [pickup ids]}
//   POST /control/fail    {"count": N, "status": 503, "retry_after": "3"}: the next N list
//                         requests fail (with that Retry-After header when given)
//   GET  /control/stats   {"pickups", "list_requests", "pickups_served", "failed", "too_early",
//                          "window_starts": [modified_since of every first-page request],
//                          "requests": [{"at_ms", "status"} of every API request, in order]}
// With the "lakeside" dialect the list route is Lakeside Haulers' instead (api_dialect.h):
//   GET  /v1/jobs?closed_since=&closed_until=&limit=&page=   {"jobs": [...] | {...}, "next"}
// The API's credentials are all those configured in SimAuth; with a minimum interval a request
// arriving sooner than that after the previous one answered, or any request before a
// Retry-After the simulator answered (in seconds) has passed, is refused 429 with Retry-After
// and counted as too_early.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api_dialect.h"
#include "pickup_book.h"
#include "types.h"

namespace fieldgate::poll_sim {

// What the API demands of every request; an empty part is not asked for.
struct SimAuth {
    std::string api_key;                                       // X-Riverbend-Key
    std::vector<std::pair<std::string, std::string>> headers;  // lower-case name, value
    std::string basic_user;
    std::string basic_password;
};

class PickupsService : public http::Service {
  public:
    PickupsService(SimAuth auth, std::chrono::milliseconds min_interval,
                   ApiDialect dialect = *api_dialect("riverbend"))
        : auth_(std::move(auth)), min_interval_(min_interval), dialect_(std::move(dialect)) {}
    std::size_t body_limit(const http::Request&) const override { return 1 << 20; }
    void handle(http::Request request, http::Respond respond) override;

  private:
    void list(const http::Request& request, http::Respond& respond);
    void changes(const http::Request& request, http::Respond& respond);
    // The interval and credential checks and the failures ordered through /control/fail;
    // false when answered.
    bool allowed(const http::Request& request, http::Respond& respond);
    // Why the request's credentials are refused; empty when they are all there.
    std::string credentials_refused(const http::Request& request) const;
    // A request sooner than min_interval_ after the previous accepted one: answered 429.
    bool too_early(http::Respond& respond);
    void control_orders(const http::Request& request, http::Respond& respond);
    nlohmann::json stats();

    SimAuth auth_;
    std::chrono::milliseconds min_interval_;
    ApiDialect dialect_;
    PickupBook book_;
    std::atomic<std::uint64_t> list_requests_{0};
    std::atomic<std::uint64_t> served_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::mutex fail_mutex_;
    int fail_count_ = 0;
    int fail_status_ = 503;
    std::string fail_retry_after_;
    std::uint64_t too_early_ = 0;
    std::optional<std::chrono::steady_clock::time_point> last_request_;
    std::optional<std::chrono::steady_clock::time_point> not_before_;  // the last Retry-After
    nlohmann::json requests_ = nlohmann::json::array();                // {"at_ms", "status"}
    std::vector<std::string> window_starts_;                           // guarded by fail_mutex_
};

}  // namespace fieldgate::poll_sim
