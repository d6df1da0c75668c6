// A CRM event is never dead-lettered because the database dropped a connection (issue 19).
// Sessions end under a gateway for ordinary reasons: the database restarts or fails over, an
// administrator or a pooler ends them. Delivery takes that as "try again", like a failed
// write, never as the CRM refusing the event.
//
// Found by pg-restart (2 runs of 10): the delivery worker renders an event from the store before
// sending it; an exception there was classified as a rejection and the event marked dead
// ("cannot render the event: PostgreSQL: server closed the connection unexpectedly"), so an
// acknowledged result never reached the CRM. Now a store failure while rendering pauses sends
// and leaves the event as it was. Here every session of the gateway is ended every 50 ms while
// results arrive.
#include <gtest/gtest.h>

#include <atomic>

#include "fault/kill9_vendor_load.h"
#include "fault/pg_fault_rig.h"

namespace fieldgate::test {
namespace {

TEST(FaultPg, ADroppedConnectionNeverDeadLettersAnEvent) {
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
