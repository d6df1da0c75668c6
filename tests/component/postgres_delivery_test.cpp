// Two gateways on one PostgreSQL database, both configured to deliver to the CRM: one leads the
// delivery role at a time, so every event reaches the CRM once (no webhook-id twice), whichever
// gateway took the result; when the leader goes, the other delivers what is left.
#include <gtest/gtest.h>

#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/pg_cluster.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

class TwoGatewaysDeliver : public ::testing::Test {
  protected:
    TwoGatewaysDeliver()
        : cluster_(PgClusterOptions{.fsync = false}), url_(cluster_.create_database("deliver")) {
        a_ = start();
        b_ = start();
    }

    std::unique_ptr<GatewayProcess> start() {
        const nlohmann::json config = {
            {"store", {{"url", url_}}},
            {"crm",
             {{"endpoint", crm_.events_origin() + "/events"},
              {"event_type_prefix", "gov.sanjose.workorder"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}, {"concurrency", 8}}},
            {"watchdog", {{"enabled", false}}},
        };
        Secrets secrets;
        secrets.crm_webhook = whsec(crm_.key());
        secrets.more.push_back({"store/password", cluster_.password()});
        return std::make_unique<GatewayProcess>(config, secrets);
    }
    nlohmann::json report() {
        auto c = crm_.control_client();
        return nlohmann::json::parse(c.get("/_report").body);
    }
    // One order and its closing result, through gateway `g`.
    void close_order(GatewayProcess& g, int n) {
        auto c = g.client();
        const auto sr = "SR-DLV-" + std::to_string(n);
        ASSERT_EQ(g.create_order(c, work_order_body(sr, "bay-hauling")).status, 201);
        const auto r = c.post("/v1/vendors/bay-hauling/results",
                              bay_result("BH-DLV-" + std::to_string(n), sr).dump(),
                              "application/json", {{"Authorization", "Bearer " + g.secrets.bay}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    CrmSimProcess crm_;
    PgCluster cluster_;
    std::string url_;
    std::unique_ptr<GatewayProcess> a_;
    std::unique_ptr<GatewayProcess> b_;
};

TEST_F(TwoGatewaysDeliver, EveryEventReachesTheCrmOnceWhicheverGatewayTookIt) {
    for (int n = 0; n < 20; ++n) close_order(n % 2 ? *a_ : *b_, n);
    // Each order makes two events (assigned at creation, then the closing).
    ASSERT_TRUE(wait_until([&] { return report()["stored"] == 40; })) << report().dump();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // a second sender would show by now
    EXPECT_EQ(report()["duplicates"], 0) << report().dump();
}

TEST_F(TwoGatewaysDeliver, WhenTheLeaderGoesTheOtherDeliversWhatIsLeft) {
    close_order(*a_, 100);
    ASSERT_TRUE(wait_until([&] { return report()["stored"] == 2; })) << report().dump();
    // The first gateway started first, so it most likely leads; killed, its session ends and
    // the survivor takes the role and delivers the rest (if it led already, it simply goes on).
    a_->kill9();
    for (int n = 101; n < 105; ++n) close_order(*b_, n);
    EXPECT_TRUE(wait_until([&] { return report()["stored"] == 10; })) << report().dump();
    EXPECT_EQ(report()["duplicates"], 0) << report().dump();
}

}  // namespace
}  // namespace fieldgate::test
