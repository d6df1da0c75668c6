// A CRM event is never dead-lettered because the database dropped a connection (issue 19;
// disabled: it fails today, see below). Sessions end under a gateway for ordinary reasons: the
// database restarts or fails over, an administrator or a pooler ends them. Delivery must take
// that as "try again", like a failed write, never as the CRM refusing the event.
//
// What happens today (seen in pg-restart, in 2 runs of 10): the delivery worker renders an
// event from the store before sending it (DeliveryWorker::send, delivery_send.cpp); any
// exception there sets Attempt::render_failed, which settle() classifies as rejected, and
// settle_rejected() marks the event dead: "cannot render the event: PostgreSQL: server closed
// the connection unexpectedly". When the write that records it commits (the writer reconnects
// at once to a database that is back), the event never reaches the CRM although the result
// was acknowledged to the vendor: lost, until staff replay the dead letter.
// Here every session of the gateway is ended every 50 ms while results arrive.
// Run it with --gtest_also_run_disabled_tests --gtest_filter='FaultPg.*Dropped*'.
#include <gtest/gtest.h>

#include <atomic>

#include "fault/kill9_vendor_load.h"
#include "fault/pg_fault_rig.h"

namespace fieldgate::test {
namespace {

TEST(FaultPg, DISABLED_ADroppedConnectionNeverDeadLettersAnEvent) {
    PgFaultRigOptions options;
    options.instances = 1;
    PgFaultRig rig(options);
    const std::string prefix = "PGD" + std::to_string(::getpid());
    constexpr std::size_t kOrders = 1500;
    ASSERT_EQ(create_bay_orders(rig.port(), prefix, kOrders, rig.tokens().crm), kOrders);

    std::atomic<bool> stop{false};
    std::atomic<int> ended{0};
    std::thread dba([&] {
        while (!stop) {
            std::this_thread::sleep_for(50ms);
            try {
                ended += static_cast<int>(rig.count(
                    "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname "
                    "= 'fieldgate' AND pid <> pg_backend_pid() AND backend_type = 'client "
                    "backend'"));
            } catch (const pg::Error&) {
            }
        }
    });
    auto load = vendor_load_options(rig.port(), std::chrono::seconds(60));
    load.connections = 16;
    load.rate = 150;
    const auto key = rig.tokens().bay;
    const auto run =
        bench::run_load(load, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
            if (i >= kOrders) return std::nullopt;
            return bench::bay_result_request(prefix, i, key);
        });
    stop = true;
    dba.join();
    std::cout << "[ pg-fault ] " << ended << " sessions ended under " << run.summary.ok
              << " results acknowledged" << std::endl;

    EXPECT_TRUE(rig.wait_for_delivery());
    EXPECT_EQ(rig.delivered_events("dead").size(), 0u)
        << "CRM events dead-lettered, the first of them:\n"
        << rig.crm_events_described("dead", 3);
}

}  // namespace
}  // namespace fieldgate::test
