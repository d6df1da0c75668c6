#include "arrival_detector.h"

#include <memory>

#include <spdlog/spdlog.h>

#include "geo.h"
#include "lifecycle.h"
#include "time_util.h"

namespace fieldgate::mqtt {

ArrivalDetector::ArrivalDetector(ArrivalOptions options, IngestService& ingest,
                                 store::ReadPool& reads)
    : options_(options), ingest_(ingest), reads_(reads) {}

std::uint64_t ArrivalDetector::transitions() const {
    std::lock_guard lock(mutex_);
    return transitions_;
}

std::vector<ArrivalDetector::Stop>& ArrivalDetector::stops_of(const TruckInfo& truck) {
    const auto key = truck.vendor + "|" + truck.route_id + "|" + truck.route_date;
    auto& route = routes_[key];
    const auto now = std::chrono::steady_clock::now();
    if (route.loaded.time_since_epoch().count() == 0 ||
        now - route.loaded >= options_.stops_refresh) {
        auto db = reads_.acquire();
        const auto orders = db->orders_on_route(truck.vendor, truck.route_id, truck.route_date);
        route.stops.clear();
        for (const auto& wo : orders) {
            if (!wo.lat || !wo.lon || is_terminal_status(wo.status)) continue;
            route.stops.push_back(Stop{wo.crm_case_id, *wo.lat, *wo.lon, status_rank(wo.status)});
        }
        route.loaded = now;
    }
    return route.stops;
}

void ArrivalDetector::on_position(const TruckInfo& truck, const store::PositionRow& position,
                                  const std::string& payload) {
    if (truck.route_id.empty()) return;
    std::lock_guard lock(mutex_);
    for (auto& stop : stops_of(truck)) {
        const double d = distance_m(position.lat, position.lon, stop.lat, stop.lon);
        std::string status;
        if (d <= options_.on_site_m)
            status = "on_site";
        else if (d <= options_.en_route_m)
            status = "en_route";
        else
            continue;
        if (status_rank(status) <= stop.rank) continue;
        stop.rank = status_rank(status);
        if (!submitted_.insert(stop.crm_case_id + "|" + status).second) continue;
        ++transitions_;
        submit(truck, stop, status, position, payload);
    }
}

void ArrivalDetector::submit(const TruckInfo& truck, const Stop& stop, const std::string& status,
                             const store::PositionRow& position, const std::string& payload) {
    auto req = std::make_shared<IngestRequest>();
    req->vendor = truck.vendor;
    req->source = "truck:" + truck.truck_id;
    req->mapping_version = "mqtt-arrival/1";
    req->raw.vendor = truck.vendor;
    req->raw.channel = "mqtt";
    req->raw.received_at = now_utc();
    req->raw.content_type = "application/json";
    req->raw.request_id = "arrival:" + truck.truck_id;
    req->raw.headers_json = nlohmann::json({{"detector", "arrival"}}).dump();
    req->raw.body = payload;
    NormalizedResult r;
    r.vendor_ref = "arrival:" + truck.truck_id + ":" + stop.crm_case_id;
    r.crm_case_id = stop.crm_case_id;
    r.progress = status;
    r.occurred_at = position.fix_time;
    r.lat = position.lat;
    r.lon = position.lon;
    r.truck = truck.truck_id;
    r.detail = "truck " + truck.truck_id + " within the " + status + " radius";
    RecordResult rec;
    rec.result = std::move(r);
    req->normalized.records.push_back(std::move(rec));
    ingest_.submit(req, {}, [case_id = stop.crm_case_id, status](const IngestAnswer& answer) {
        if (answer.status == IngestAnswer::Status::overloaded)
            spdlog::warn("arrival: writer queue full, {} -> {} skipped", case_id, status);
        else if (!answer.committed())
            spdlog::warn("arrival: {} -> {} not stored", case_id, status);
    });
}

}  // namespace fieldgate::mqtt
