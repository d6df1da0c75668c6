// broker-restart: Mosquitto (real, with its persistence) is restarted again and again while two
// trucks publish QoS 1 stop events. A truck whose publish was not acknowledged (the broker went
// away with it in flight, or was down) publishes the same event again, as a truck would, so
// the gateway may see an event twice; every event the broker PUBACKed must be stored exactly
// once and its outcome delivered to the CRM.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "fault/env_support.h"
#include "fault/kill9_vendor_load.h"
#include "support/mqtt_test_client.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {
namespace {

constexpr std::size_t kBrokerOrders = 3000;  // more than the trucks reach before the restarts end
constexpr int kRestarts = 6;

TEST(FaultBrokerRestart, EveryPubackedStopEventIsStoredOnceAndDelivered) {
    FaultRigOptions options;
    options.broker = true;
    FaultRig rig(options);
    const std::string prefix = "BR" + std::to_string(::getpid());
    ASSERT_EQ(create_bay_orders(rig.port(), prefix, kBrokerOrders, rig.gw().secrets.crm),
              kBrokerOrders);

    std::mutex mutex;
    std::set<std::string> acknowledged;
    std::atomic<std::size_t> failed_publishes{0};
    std::atomic<bool> restarts_done{false};
    const auto give_up_at = std::chrono::steady_clock::now() + 120s;  // bounded, whatever happens
    // Truck t publishes the events i with i % 2 == t, one at a time, each until it is PUBACKed,
    // for as long as the broker is being restarted (and a little after).
    auto truck = [&](int t) {
        const std::string topic = "fleet/bay-hauling/BH-T" + std::to_string(200 + t) + "/stop";
        std::unique_ptr<MqttTestClient> link;
        for (std::size_t i = static_cast<std::size_t>(t); i < kBrokerOrders && !restarts_done;
             i += 2) {
            const auto ref = bench::ticket(prefix, i);
            const auto payload = bay_result(ref, bench::case_id(prefix, i), "Confirmed Positive");
            while (std::chrono::steady_clock::now() < give_up_at) {
                try {
                    if (!link)
                        link = std::make_unique<MqttTestClient>(rig.broker().uri(),
                                                                "fault-truck-" + std::to_string(t));
                    link->publish(topic, payload.dump());
                    std::lock_guard lock(mutex);
                    acknowledged.insert(ref);
                    break;
                } catch (const std::exception&) {
                    ++failed_publishes;  // no PUBACK: the same event goes again
                    link.reset();
                    std::this_thread::sleep_for(100ms);
                }
            }
            std::this_thread::sleep_for(10ms);
        }
    };
    std::thread truck_a(truck, 0), truck_b(truck, 1);
    // Restarts while the trucks publish: a quick one (SIGTERM, Mosquitto saves its persistence,
    // starts again), and every other one with the broker down for a second.
    for (int r = 0; r < kRestarts; ++r) {
        std::this_thread::sleep_for(1500ms);
        if (r % 2 == 0) {
            rig.broker().restart();
        } else {
            rig.broker().stop();
            std::this_thread::sleep_for(1s);
            rig.broker().start();
        }
    }
    std::this_thread::sleep_for(1s);
    restarts_done = true;
    truck_a.join();
    truck_b.join();
    EXPECT_GT(failed_publishes.load(), 0u) << "no restart landed while the trucks published";

    // Everything PUBACKed reaches the store (the broker kept it for the gateway's session), and
    // then the CRM.
    const std::string like = "BH-" + prefix + "-%";
    ASSERT_TRUE(
        wait_until([&] { return rig.stored_items(like).size() >= acknowledged.size(); }, 90s))
        << rig.gw().log_text();
    ASSERT_TRUE(rig.wait_for_delivery()) << rig.crm_report();
    FaultAccount account{"broker-restart"};
    account.cycles = kRestarts;
    account_all(account, acknowledged, rig.stored_items(like), rig.crm_received());
    account.print();
    std::printf("broker-restart: %zu publishes not acknowledged and sent again\n",
                failed_publishes.load());
    EXPECT_GT(account.acknowledged, 0u);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
