// A silent cut between one gateway and the database. pg-cut-instance closes the gateway's
// connections, which it notices at once. A network that drops packets instead (a partition, a
// firewall dropping the flow, a hung pooler in between) tells it nothing: here the fault proxy
// stalls every connection, forwarding nothing and closing nothing, and the kernel's keepalives
// cannot help (the proxy's side of the socket acknowledges what it holds). The gateway must
// still leave HAProxy's rotation by itself (/readyz 503) and come back when the database answers
// again, without a restart: /readyz counts a batch unanswered for 5 s as a stalled store, and
// every statement has an answer timeout (store.answer_timeout_s) past which its connection is
// dropped and made anew.
#include <gtest/gtest.h>

#include "fault/pg_fault_rig.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {
namespace {

TEST(FaultPg, SilentCutTakesTheInstanceOutOfRotation) {
    PgFaultRigOptions options;
    options.db_proxies = true;
    PgFaultRig rig(options);
    const int victim = 1;
    auto& gw = rig.gw(victim);
    {
        auto c = gw.client();
        ASSERT_EQ(gw.create_order(c, work_order_body("SR-SILENT-1", "bay-hauling")).status, 201);
    }
    const auto pid = gw.pid();
    rig.db_proxy(victim).set_stalled(true);

    // A vendor result sent to it meanwhile: the write meets the silent database.
    std::atomic<int> status{-1};
    std::atomic<long long> answered_ms{0};
    std::thread vendor([&] {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            auto c = sim::HttpClient("127.0.0.1", gw.port());
            status = c.post("/v1/vendors/bay-hauling/results",
                            bay_result("BH-SILENT-1", "SR-SILENT-1").dump(), "application/json",
                            {{"Authorization", "Bearer " + gw.secrets.bay}}, 90s)
                         .status;
        } catch (const std::exception&) {
            status = 0;
        }
        answered_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
    });

    const bool left = wait_until([&] { return rig.readyz(victim) == 503; }, 30s);
    EXPECT_TRUE(left) << rig.name(victim) << " still ready 30 s into a silent cut";
    EXPECT_TRUE(rig.lb().wait_status(rig.name(victim), "DOWN", 10s))
        << "HAProxy kept " << rig.name(victim)
        << " in rotation: " << rig.lb().status(rig.name(victim));
    for (int i = 0; i < rig.size(); ++i) {
        if (i != victim) {
            EXPECT_EQ(rig.lb().status(rig.name(i)), "UP") << rig.name(i);
        }
    }

    rig.db_proxy(victim).set_stalled(false);
    vendor.join();
    std::cout << "[ pg-fault ] the vendor's post during the silent cut answered " << status
              << " after " << answered_ms << " ms" << std::endl;
    EXPECT_TRUE(wait_until([&] { return rig.readyz(victim) == 200; }, 60s)) << rig.log(victim);
    EXPECT_TRUE(rig.lb().wait_status(rig.name(victim), "UP", 30s));
    EXPECT_EQ(gw.pid(), pid) << "it was restarted, not recovered";
}

}  // namespace
}  // namespace fieldgate::test
