// The truck service wired to a real SQLite store in a folder of the caller's, with the shipped
// vendor folders and no broker (the MQTT client is built but never started): messages are handed
// to TruckService::handle, what the broker connection's callback calls. For the MQTT fuzzer and
// for unit tests of what a single message does.
#pragma once

#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "config.h"
#include "ingest_service.h"
#include "read_pool.h"
#include "registry.h"
#include "secrets.h"
#include "sqlite_read_pool.h"
#include "sqlite_writer.h"
#include "truck_service.h"
#include "work_orders.h"
#include "writer.h"

namespace fieldgate::test {

class TruckServiceRig {
  public:
    explicit TruckServiceRig(const std::filesystem::path& dir) {
        std::filesystem::create_directories(dir / "secrets");
        std::ofstream(dir / "gateway.json") << nlohmann::json{
            {"store", {{"path", "gateway.db"}, {"synchronous", "OFF"}}},
            {"vendor_schemas", std::string(FIELDGATE_SOURCE_ROOT) + "/vendor_schemas"},
            {"secrets", {{"dir", "secrets"}}},
            {"watchdog", {{"enabled", false}}},
            {"mqtt",
             {{"uri", "tcp://127.0.0.1:1"}, {"client_id", "rig"}, {"position_flush_ms", 50}}}};
        config_ = load_config((dir / "gateway.json").string());
        catalog_ = std::make_shared<const Catalog>(
            Catalog::load(config_.catalog_path, config_.catalog_schema_path));
        secrets_ = std::make_unique<SecretStore>(config_.secrets_dir, config_.secrets_env_prefix);
        const VendorLoader loader(LoaderOptions{catalog_, config_.mapping_schema_path, nullptr});
        auto loaded = loader.load_all(config_.vendor_schemas_dir);
        if (!loaded.ok()) throw std::runtime_error("the shipped vendor folders do not load");
        vendors_ = std::move(loaded.registry);
        store::SqliteWriterOptions w;
        w.path = config_.store_path;
        w.synchronous = config_.synchronous;
        writer_ = std::make_unique<store::SqliteWriter>(w);
        reads_ = std::make_unique<store::SqliteReadPool>(config_.store_path);
        auto vendors = [this] { return vendors_; };
        orders_ =
            std::make_unique<WorkOrderService>(config_, *catalog_, *writer_, *reads_, vendors);
        ingest_ = std::make_unique<IngestService>(
            *writer_, IngestContext{catalog_.get(),
                                    EventContext{config_.event_type_prefix, config_.event_source},
                                    config_.city_time_zone});
        trucks_ = std::make_unique<mqtt::TruckService>(config_, *ingest_, *secrets_, *writer_,
                                                       *reads_, vendors);
    }

    // Through the CRM's path (validation, assignment, history, outbox); the new order's id.
    std::string create_order(const nlohmann::json& body) {
        std::promise<std::variant<ApiError, CreatedWorkOrder>> done;
        auto result = done.get_future();
        orders_->create(body.dump(), [&done](auto r) { done.set_value(std::move(r)); });
        const auto r = result.get();
        if (const auto* e = std::get_if<ApiError>(&r))
            throw std::runtime_error("work order not created: " + e->detail);
        return std::get<CreatedWorkOrder>(r).body.at("id").get<std::string>();
    }

    // Hands the message in, then waits until what it submitted without waiting (status, route,
    // arrivals) has committed too.
    void handle(const mqtt::Message& m) {
        trucks_->handle(m);
        writer_->run_sync([](store::Transaction&) {});
    }

    // The service's counters (what /readyz shows).
    nlohmann::json stats() const { return trucks_->stats(); }

    // Messages handled or quarantined so far: every one but the echo of the gateway's own
    // dispatch topic counts once.
    std::uint64_t messages_counted() const {
        const auto s = stats();
        std::uint64_t n = 0;
        for (const char* key :
             {"positions", "stop_events", "route_events", "statuses", "assignments", "quarantined"})
            n += s.at(key).get<std::uint64_t>();
        return n;
    }

    store::ReadPool& reads() { return *reads_; }
    // The store's writer: what another gateway sharing the store would have written.
    store::Writer& writer() { return *writer_; }

  private:
    GatewayConfig config_;
    std::shared_ptr<const Catalog> catalog_;
    std::unique_ptr<SecretStore> secrets_;
    std::shared_ptr<const VendorRegistry> vendors_;
    std::unique_ptr<IngestService> ingest_;  // outlives the writer, whose queued jobs use it
    std::unique_ptr<store::Writer> writer_;
    std::unique_ptr<store::ReadPool> reads_;
    std::unique_ptr<WorkOrderService> orders_;
    std::unique_ptr<mqtt::TruckService> trucks_;
};

}  // namespace fieldgate::test
