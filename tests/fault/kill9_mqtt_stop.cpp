// kill9-mqtt-stop: a truck publishes stop events (Bay Hauling's result format) at QoS 1 to a real
// Mosquitto while the gateway, consuming with a persistent session, is killed with SIGKILL and
// restarted FAULT_KILL_CYCLES times. Acknowledged = PUBACKed by the broker to the truck: the
// broker holds those for the gateway's session from then on. Every one must be stored exactly
// once and its outcome's CRM event received by the CRM simulator exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "fault/fault_rig.h"
#include "fault/kill9_vendor_load.h"
#include "support/mqtt_test_client.h"

namespace fieldgate::test {
namespace {

constexpr const char* kStopTopic = "fleet/bay-hauling/BH-T117/stop";
// The truck publishes as fast as the broker acknowledges while the gateway is at most this many
// stop events behind: the gateway is kept busy, so a kill lands while it is handling one.
constexpr std::int64_t kBacklog = 300;

std::string stop_event(const std::string& prefix, std::size_t i) {
    return bench::bay_result_request(prefix, i, "").body;
}

TEST(FaultKill9, MqttStop) {
    FaultRigOptions options;
    options.broker = true;
    FaultRig rig(options);
    const int cycles = kill_cycles();
    const std::string prefix = "K9M" + std::to_string(::getpid());
    // More than the gateway takes in the cycles: it commits one stop at a time, ~600/s on the
    // 2-core machine under other load, a cycle lasting about 1.3 s.
    const auto orders = static_cast<std::size_t>(1200 * cycles) + 1000;
    ASSERT_EQ(create_bay_orders(rig.port(), prefix, orders, rig.gw().secrets.crm), orders);
    const std::size_t last = orders - 1;  // kept for after the kills
    // Each stop event taken makes one outcome (a repeat makes none), and this store has no other.
    const auto stored_now = [&] { return rig.count("SELECT IFNULL(MAX(id), 0) FROM outcomes"); };

    std::atomic<std::int64_t> published{0};
    std::vector<std::string> acknowledged;  // tickets whose stop event the broker PUBACKed
    const auto truck = [&](const std::atomic<bool>& stop) {
        MqttTestClient client(rig.broker().uri(), "k9-truck");
        for (std::size_t i = 0; i < last && !stop.load(); ++i) {
            client.publish(kStopTopic, stop_event(prefix, i));
            acknowledged.push_back(bench::ticket(prefix, i));
            ++published;
            while (i % 20 == 0 && !stop.load() && published.load() - stored_now() > kBacklog)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    };
    FaultAccount account{"kill9-mqtt-stop"};
    std::vector<std::int64_t> backlog_at_kill;  // stop events PUBACKed to the truck, not stored
    account.cycles = static_cast<std::uint64_t>(rig.run_kill_cycles_under(
        cycles, 13, truck, [&] { backlog_at_kill.push_back(published.load() - stored_now()); }));
    const std::size_t under_kills = acknowledged.size();

    // One more stop, after the kills: the broker hands a session's messages over in order and
    // the gateway takes them one by one, so once this one is stored every earlier one was taken.
    MqttTestClient(rig.broker().uri(), "k9-truck").publish(kStopTopic, stop_event(prefix, last));
    acknowledged.push_back(bench::ticket(prefix, last));
    EXPECT_TRUE(wait_until(
        [&] {
            return rig.count("SELECT COUNT(*) FROM outcomes WHERE vendor_ref = ?",
                             {bench::ticket(prefix, last)}) > 0;
        },
        180s))
        << rig.gw().log_text();

    ASSERT_TRUE(rig.wait_for_delivery()) << rig.crm_report();
    const auto crm = rig.crm_received();
    const auto stored = rig.stored_items("BH-" + prefix + "-%");
    std::vector<std::string> lost;
    for (const auto& ticket : acknowledged) {
        const auto it = stored.find(ticket);
        const auto lost_before = account.lost;
        account_for(account, it == stored.end() ? nullptr : &it->second, &crm);
        if (account.lost != lost_before) lost.push_back(ticket);
    }
    const auto report = rig.crm_report();
    EXPECT_EQ(report["bad_signatures"], 0);

    account.print();
    const auto busy = std::count_if(backlog_at_kill.begin(), backlog_at_kill.end(),
                                    [](std::int64_t b) { return b > 0; });
    std::cout << "[ kill9    ] " << account.cycles << " kill -9 cycles, " << busy
              << " of them with stop events waiting for the gateway (backlog at the kills:";
    for (const auto b : backlog_at_kill) std::cout << " " << b;
    std::cout << "); " << under_kills << " stop events PUBACKed under the kills\n";
    for (const auto& t : lost) std::cout << "[ kill9    ] lost: " << t << "\n";
    EXPECT_EQ(account.cycles, static_cast<std::uint64_t>(cycles));
    // A read of the store can stall for a moment on a busy machine and let the gateway catch up.
    EXPECT_GT(busy * 2, cycles) << "most kills landed while the gateway had nothing to do";
    EXPECT_GT(account.acknowledged, 0u);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
