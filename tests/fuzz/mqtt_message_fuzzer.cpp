// An MQTT message as the gateway receives it, handed to TruckService::handle (what the broker
// connection's callback calls) with no broker: topic routing, truck ids and ownership, the
// vendor's mqtt.json fields, positions (memory, batched history, arrival detection), stop events
// through the vendor's adapter and the one ingest path, route events, status, route assignments,
// quarantine. The store is a real SQLite file holding the truck simulator's fleet (the seeds'
// trucks and stops) as work orders, so stop events, route events and arrivals meet real orders.
//
// Input: the topic, a newline, the payload (seeds/mqtt/*). Positions arrive at QoS 0, the rest at
// QoS 1, as the trucks publish them. Findings besides sanitizer reports: a message neither
// handled nor quarantined (lost without a trace), an exception out of the handler (the client
// would log and drop the message), a failed commit (logged "not stored").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "config.h"
#include "fleet.h"
#include "fuzz_support.h"
#include "read_pool.h"
#include "registry.h"
#include "secrets.h"
#include "support/gateway_process.h"
#include "truck_service.h"
#include "work_orders.h"
#include "writer.h"

namespace {

using namespace fieldgate;

// The fleet the seeds were captured from: fieldgate-truck-sim --trucks 2 --stops 4 (seed 1,
// 2026-02-03), and the Bay Hauling interface document's example stop on route R-0412.
constexpr int kTrucks = 2;
constexpr int kStops = 4;

struct World {
    GatewayConfig config;
    std::shared_ptr<const Catalog> catalog;
    std::unique_ptr<SecretStore> secrets;
    std::shared_ptr<const VendorRegistry> vendors;
    std::unique_ptr<store::Writer> writer;
    std::unique_ptr<store::ReadPool> reads;
    std::unique_ptr<WorkOrderService> orders;
    std::unique_ptr<mqtt::TruckService> trucks;
};
World* world = nullptr;  // lives as long as the process

void create_order(const nlohmann::json& body) {
    std::promise<std::variant<ApiError, CreatedWorkOrder>> done;
    auto result = done.get_future();
    world->orders->create(body.dump(), [&done](auto r) { done.set_value(std::move(r)); });
    const auto r = result.get();
    if (const auto* e = std::get_if<ApiError>(&r)) {
        std::fprintf(stderr, "fuzz-mqtt: work order not created: %s\n", e->detail.c_str());
        std::abort();
    }
}

void create_fleet_orders() {
    create_order(test::work_order_body("SR-2026-118734", "bay-hauling"));
    truck_sim::FleetOptions o;
    o.trucks = kTrucks;
    o.stops = kStops;
    for (const auto& truck : truck_sim::make_fleet(o)) {
        for (const auto& stop : truck.stops) {
            auto body = test::work_order_body(stop.service_request, "bay-hauling", truck.route,
                                              stop.seq, o.date);
            body["location"] = {{"lat", stop.lat}, {"lon", stop.lon}};
            create_order(body);
        }
    }
}

std::uint64_t messages_accounted_for() {
    const auto s = world->trucks->stats();
    std::uint64_t n = 0;
    for (const char* key :
         {"positions", "stop_events", "route_events", "statuses", "assignments", "quarantined"})
        n += s.at(key).get<std::uint64_t>();
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const auto dir = fuzz::scratch_dir("mqtt");
    std::filesystem::create_directories(dir / "secrets");
    std::ofstream(dir / "gateway.json") << R"({
  "store": {"path": "fuzz.db", "synchronous": "OFF"},
  "vendor_schemas": ")" + fuzz::source_root().string() +
                                               R"(/vendor_schemas",
  "secrets": {"dir": "secrets"},
  "watchdog": {"enabled": false},
  "mqtt": {"uri": "tcp://127.0.0.1:1", "client_id": "fuzz", "position_flush_ms": 50}
})";
    world = new World;
    world->config = load_config((dir / "gateway.json").string());
    // Quarantines log a warning each; "not stored" warnings and every error are findings.
    fuzz::abort_on_logged_error(spdlog::level::warn);
    auto& w = *world;
    w.catalog = std::make_shared<const Catalog>(
        Catalog::load(w.config.catalog_path, w.config.catalog_schema_path));
    w.secrets = std::make_unique<SecretStore>(w.config.secrets_dir, w.config.secrets_env_prefix);
    const VendorLoader loader(LoaderOptions{w.catalog, w.config.mapping_schema_path, nullptr});
    auto loaded = loader.load_all(w.config.vendor_schemas_dir);
    if (!loaded.ok()) std::abort();
    w.vendors = std::move(loaded.registry);
    store::WriterOptions writer_options;
    writer_options.path = w.config.store_path;
    writer_options.synchronous = w.config.synchronous;
    w.writer = std::make_unique<store::Writer>(writer_options);
    w.reads = std::make_unique<store::ReadPool>(w.config.store_path);
    auto vendors = [] { return world->vendors; };
    w.orders =
        std::make_unique<WorkOrderService>(w.config, *w.catalog, *w.writer, *w.reads, vendors);
    create_fleet_orders();
    // Built but never started: no broker connection, no dispatch publisher thread.
    w.trucks = std::make_unique<mqtt::TruckService>(w.config, *w.catalog, *w.secrets, *w.writer,
                                                    *w.reads, vendors);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    mqtt::Message m;
    m.topic = std::string(input.substr(0, newline));
    if (newline != std::string_view::npos) m.payload = std::string(input.substr(newline + 1));
    m.qos = m.topic.ends_with("/position") ? 0 : 1;

    const auto before = messages_accounted_for();
    try {
        world->trucks->handle(m);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz-mqtt: handle() threw: %s\n", e.what());
        std::abort();
    }
    // What was not waited for (status, route, arrivals) commits now, so its failure is this
    // input's.
    world->writer->run_sync([](sqlite::Connection&) {});
    const auto counted = messages_accounted_for() - before;
    // The gateway's own dispatch topic is ignored when it echoes back; everything else counts
    // once, as handled or as quarantined.
    if (counted > 1 || (counted == 0 && !m.topic.ends_with("/dispatch"))) {
        std::fprintf(stderr, "fuzz-mqtt: message on '%s' counted %llu times\n", m.topic.c_str(),
                     static_cast<unsigned long long>(counted));
        std::abort();
    }
    return 0;
}
