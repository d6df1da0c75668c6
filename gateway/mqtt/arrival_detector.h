// Arrival detection: a truck the vendor assigned to a route (route_assignment topic) that comes
// within the en-route / on-site radius of one of that route's stops moves the work order to
// en_route / on_site through the one ingest path (state checks, history, CRM outbox event), as a
// progress result with source truck:<id>. Never blocks the position path: the transition is
// submitted to the writer and not waited for.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ingest_service.h"
#include "read_pool.h"
#include "transaction.h"
#include "truck_directory.h"
#include "writer.h"

namespace fieldgate::mqtt {

struct ArrivalOptions {
    double en_route_m = 1000;
    double on_site_m = 75;
    std::chrono::seconds stops_refresh{5};  // how stale a route's cached stops may get
};

class ArrivalDetector {
  public:
    ArrivalDetector(ArrivalOptions options, IngestService& ingest, store::ReadPool& reads);

    // `payload` is the position message, kept as the raw payload of a transition.
    void on_position(const TruckInfo& truck, const store::PositionRow& position,
                     const std::string& payload);
    std::uint64_t transitions() const;

  private:
    struct Stop {
        std::string crm_case_id;
        double lat = 0;
        double lon = 0;
        int rank = 0;  // of the status when loaded, raised as transitions are submitted
    };
    struct RouteStops {
        std::chrono::steady_clock::time_point loaded;
        std::vector<Stop> stops;
    };
    std::vector<Stop>& stops_of(const TruckInfo& truck);
    void submit(const TruckInfo& truck, const Stop& stop, const std::string& status,
                const store::PositionRow& position, const std::string& payload);

    ArrivalOptions options_;
    IngestService& ingest_;
    store::ReadPool& reads_;
    mutable std::mutex mutex_;
    std::map<std::string, RouteStops> routes_;  // vendor|route|date
    std::set<std::string> submitted_;           // crm_case_id|status
    std::uint64_t transitions_ = 0;
};

}  // namespace fieldgate::mqtt
