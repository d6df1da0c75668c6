// Riverbend's HTTP API as the simulator serves it:
//   GET  /api/v2/pickups?modified_since=&modified_before=&page_size=&page_token=
//        header X-Riverbend-Key; {"pickups": [...], "links": {"next": "/api/v2/pickups?..."|null}}
//   GET  /api/v2/pickups/changes?cursor=<seq>&page_size=   the same pickups as a change feed:
//        {"pickups": [...after cursor...], "cursor": "<last seq sent, or the one given>"}
//   POST /control/orders  {"crm_case_ids": [...], "result": "done", "missed_code": 11,
//                          "backdate_s": 0}  -> {"added": [pickup ids]}
//   POST /control/fail    {"count": N, "status": 503}: the next N list requests fail
//   GET  /control/stats   {"pickups", "list_requests", "pickups_served", "failed",
//                          "window_starts": [modified_since of every first-page request]}
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "pickup_book.h"
#include "types.h"

namespace fieldgate::poll_sim {

class PickupsService : public http::Service {
  public:
    explicit PickupsService(std::string api_key) : api_key_(std::move(api_key)) {}
    std::size_t body_limit(const http::Request&) const override { return 1 << 20; }
    void handle(http::Request request, http::Respond respond) override;

  private:
    void list(const http::Request& request, http::Respond& respond);
    void changes(const http::Request& request, http::Respond& respond);
    // The key check and the failures ordered through /control/fail; false when answered.
    bool allowed(const http::Request& request, http::Respond& respond);
    void control_orders(const http::Request& request, http::Respond& respond);

    std::string api_key_;
    PickupBook book_;
    std::atomic<std::uint64_t> list_requests_{0};
    std::atomic<std::uint64_t> served_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::mutex fail_mutex_;
    int fail_count_ = 0;
    int fail_status_ = 503;
    std::vector<std::string> window_starts_;  // guarded by fail_mutex_
};

}  // namespace fieldgate::poll_sim
