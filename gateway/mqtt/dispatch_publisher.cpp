#include "dispatch_publisher.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "transaction.h"

namespace fieldgate::mqtt {

std::string render_truck_stops(const TruckInfo& truck,
                               const std::vector<store::WorkOrder>& orders) {
    nlohmann::json stops = nlohmann::json::array();
    for (const auto& wo : orders) {
        nlohmann::json s = {
            {"work_order_id", wo.id},
            {"service_request", wo.crm_case_id},
            {"stop_seq", wo.stop_seq ? nlohmann::json(*wo.stop_seq) : nlohmann::json()},
            {"service_type", wo.service_type},
            {"address", wo.address},
            {"status", wo.status},
            {"items", nlohmann::json::parse(wo.items_json, nullptr, false)},
            {"instructions", wo.instructions}};
        if (wo.lat && wo.lon) s["location"] = {{"lat", *wo.lat}, {"lon", *wo.lon}};
        if (wo.window_start && wo.window_end)
            s["window"] = {{"start", *wo.window_start}, {"end", *wo.window_end}};
        stops.push_back(std::move(s));
    }
    return nlohmann::json({{"truck", truck.truck_id},
                           {"route", truck.route_id},
                           {"date", truck.route_date},
                           {"stops", std::move(stops)}})
        .dump();
}

DispatchPublisher::DispatchPublisher(std::chrono::seconds interval,
                                     const std::vector<VendorTopics>& topics,
                                     store::ReadPool& reads, TruckDirectory& directory,
                                     MqttClient& client)
    : interval_(interval), reads_(reads), directory_(directory), client_(client) {
    for (const auto& t : topics)
        if (!t.dispatch_topic.empty()) vendors_[t.vendor] = &t;
}

DispatchPublisher::~DispatchPublisher() {
    stop();
}

void DispatchPublisher::start() {
    thread_ = std::thread([this] { loop(); });
}

void DispatchPublisher::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void DispatchPublisher::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    wake_.notify_all();
}

void DispatchPublisher::republish_all() {
    {
        std::lock_guard lock(mutex_);
        last_.clear();
        poked_ = true;
    }
    wake_.notify_all();
}

std::uint64_t DispatchPublisher::published() const {
    std::lock_guard lock(mutex_);
    return published_;
}

void DispatchPublisher::publish_changes() {
    for (const auto& truck : directory_.assigned()) {
        const auto vendor = vendors_.find(truck.vendor);
        if (vendor == vendors_.end()) continue;
        std::vector<store::WorkOrder> orders;
        {
            auto db = reads_.acquire();
            orders = db->orders_on_route(truck.vendor, truck.route_id, truck.route_date);
        }
        auto body = render_truck_stops(truck, orders);
        {
            std::lock_guard lock(mutex_);
            if (last_[truck.truck_id] == body) continue;
        }
        const auto topic =
            vendor->second->prefix + "/" + truck.truck_id + "/" + vendor->second->dispatch_topic;
        if (!client_.publish(topic, body, true)) continue;  // not connected: next round
        std::lock_guard lock(mutex_);
        last_[truck.truck_id] = std::move(body);
        ++published_;
    }
}

void DispatchPublisher::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, interval_, [this] { return stopping_ || poked_; });
        if (stopping_) break;
        poked_ = false;
        lock.unlock();
        try {
            publish_changes();
        } catch (const std::exception& e) {
            spdlog::warn("dispatch to trucks: {}", e.what());
        }
        lock.lock();
    }
}

}  // namespace fieldgate::mqtt
