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
// would log and drop the message), a failed commit (logged "not stored", or position history
// counted as dropped).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "fleet.h"
#include "fuzz_support.h"
#include "support/gateway_process.h"
#include "support/truck_service_rig.h"

namespace {

using namespace fieldgate;

// The fleet the seeds were captured from: fieldgate-truck-sim --trucks 2 --stops 4 (seed 1,
// 2026-02-03), and the Bay Hauling interface document's example stop on route R-0412.
constexpr int kTrucks = 2;
constexpr int kStops = 4;

test::TruckServiceRig* rig = nullptr;  // lives as long as the process

void create_fleet_orders() {
    rig->create_order(test::work_order_body("SR-2026-118734", "bay-hauling"));
    truck_sim::FleetOptions o;
    o.trucks = kTrucks;
    o.stops = kStops;
    for (const auto& truck : truck_sim::make_fleet(o)) {
        for (const auto& stop : truck.stops) {
            auto body = test::work_order_body(stop.service_request, "bay-hauling", truck.route,
                                              stop.seq, o.date);
            body["location"] = {{"lat", stop.lat}, {"lon", stop.lon}};
            rig->create_order(body);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Warnings are formatted too: the arrival detector reports a failed commit as one.
    fuzz::abort_on_logged_error(spdlog::level::warn);
    rig = new test::TruckServiceRig(fuzz::scratch_dir("mqtt"));
    create_fleet_orders();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    fieldgate::mqtt::Message m;
    m.topic = std::string(input.substr(0, newline));
    if (newline != std::string_view::npos) m.payload = std::string(input.substr(newline + 1));
    m.qos = m.topic.ends_with("/position") ? 0 : 1;

    const auto before = rig->messages_counted();
    try {
        rig->handle(m);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz-mqtt: handle() threw: %s\n", e.what());
        std::abort();
    }
    const auto counted = rig->messages_counted() - before;
    // A batch of position history that failed to commit is dropped whole, other trucks' too.
    if (const auto dropped = rig->stats().at("positions_dropped").get<std::uint64_t>()) {
        std::fprintf(stderr, "fuzz-mqtt: %llu history positions were not stored\n",
                     static_cast<unsigned long long>(dropped));
        std::abort();
    }
    if (counted > 1 || (counted == 0 && !m.topic.ends_with("/dispatch"))) {
        std::fprintf(stderr, "fuzz-mqtt: message on '%s' counted %llu times\n", m.topic.c_str(),
                     static_cast<unsigned long long>(counted));
        std::abort();
    }
    return 0;
}
