// Polling resumes where the previous leader stopped. The position is kept in the store
// (poll_state), so the gateway that takes the polling role reads on from there; the windows the
// vendor is asked for never move back. The case that broke it: a gateway that led polling, lost
// the role without restarting (cut off from the database) and took it again later resumed from
// the position it held in memory, asked the vendor again for everything since, and saved that
// older position over the newer one. Nothing was lost (the re-read results are duplicates), but
// a gateway that last led hours ago re-read hours of pickups before it reached new ones. Now a
// gateway that takes the role reads every position from the store (Poller::loop).
#include <gtest/gtest.h>

#include <atomic>

#include "fault/pg_fault_rig.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {
namespace {

TEST(FaultPg, PollingResumesWhereTheLastLeaderStopped) {
    PgFaultRigOptions options;
    options.instances = 2;
    options.db_proxies = true;
    PgFaultRig rig(options);
    ASSERT_EQ(rig.leader(Role::polling), 0) << "the first gateway started leads polling";

    // Results keep appearing at the vendor, a few every half second.
    std::vector<std::string> cases;
    for (int i = 0; i < 200; ++i) {
        cases.push_back("SR-RESUME-" + std::to_string(i));
        auto c = rig.gw(0).client();
        ASSERT_EQ(rig.gw(0).create_order(c, work_order_body(cases.back(), kRiverbend)).status, 201);
    }
    std::atomic<bool> stop{false};
    std::thread vendor([&] {
        for (std::size_t i = 0; i + 2 <= cases.size() && !stop; i += 2) {
            rig.poll_vendor().add_results({cases[i], cases[i + 1]});
            std::this_thread::sleep_for(500ms);
        }
    });

    std::this_thread::sleep_for(3s);
    // gw0 loses the database a moment: gw1 takes polling, gw0 comes back without it.
    const auto cut = log_stamp();
    rig.db_proxy(0).set_offline(true);
    const auto taken = rig.first_take_after(Role::polling, cut, 30s);
    ASSERT_TRUE(taken && taken->instance == 1);
    rig.db_proxy(0).set_offline(false);
    ASSERT_TRUE(wait_until([&] { return rig.readyz(0) == 200; }, 30s));
    // gw1 polls on for a while, then dies: gw0 takes polling again.
    std::this_thread::sleep_for(12s);
    const auto before = rig.poll_vendor().stats().at("window_starts").size();
    const auto killed = rig.kill9(1);
    const auto again = rig.first_take_after(Role::polling, killed, 30s);
    ASSERT_TRUE(again && again->instance == 0);
    ASSERT_TRUE(wait_until(
        [&] { return rig.poll_vendor().stats().at("window_starts").size() > before + 2; }, 30s));
    stop = true;
    vendor.join();

    // Every window starts no earlier than the one before it.
    EXPECT_EQ(rig.poll_windows_moved_back(), 0)
        << "gw0 resumed from where it stood before the cut: "
        << rig.poll_vendor().stats().at("window_starts").dump();
}

}  // namespace
}  // namespace fieldgate::test
